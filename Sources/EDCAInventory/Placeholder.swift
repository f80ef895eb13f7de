/// Placeholder until the inventory lands.
enum EDCAInventoryPlaceholder {}
