/// Placeholder until the spool lands.
enum EDCASpoolPlaceholder {}
