/// Placeholder until the transport lands.
enum EDCATransportPlaceholder {}
