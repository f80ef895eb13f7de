/// Placeholder until the fixture lands.
enum EDCATestSupportPlaceholder {}
