/// The product's name and version: the one place they are written, for `--version` and every spool event.
package enum AgentProduct {
    /// The product's name, as the command and the spool's `metadata.product.name` spell it.
    package static let name = "edca-agent"
    /// The product's version, `metadata.product.version` of every spool event.
    package static let version = "0.1.0"
}
