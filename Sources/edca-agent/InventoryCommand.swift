import ArgumentParser
import EDCAAgent

/// `edca-agent inventory ...`: check and list the hosts of an inventory file.
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Check and list inventory files (see docs/inventory.md).",
        subcommands: [Check.self, List.self])

    /// `inventory check FILE`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate an inventory file; report every problem (file:line:column: field: message).")

        @Argument(help: "The inventory file.") var file: String

        func run() throws {
            let inventory = try loadInventory(file)
            let enabled = inventory.hosts.filter(\.enabled).count
            print("\(file): \(countNoun(inventory.hosts.count, "host")) (\(enabled) enabled), no problems")
        }
    }

    /// `inventory list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an inventory's hosts after merging defaults.")

        @Argument(help: "The inventory file.") var file: String
        @Option(help: "Only hosts with this tag (repeatable).") var tag: [String] = []

        func run() throws {
            let inventory = try loadInventory(file)
            let hosts = tag.isEmpty ? inventory.hosts : inventory.selecting(hosts: [], tags: tag)
            var table = TextTable(header: [
                "NAME", "ADDRESS", "PORT", "USER", "AUTH", "ROLE", "GROUP", "TAGS", "ENABLED",
            ])
            for host in hosts {
                table.rows.append([
                    host.name, host.address, String(host.port), host.user, host.authentication.rawValue,
                    host.role?.rawValue ?? "auto",
                    host.group ?? "-", host.tags.joined(separator: ","), host.enabled ? "yes" : "no",
                ])
            }
            print(table.rendered())
        }
    }
}

/// Loads an inventory, or prints every problem and exits 65 (malformed) or 66 (missing or unreadable).
func loadInventory(_ path: String) throws -> Inventory {
    do {
        return try Inventory.load(path: path)
    } catch {
        printError(error.description)
        throw ExitCode(error.isUnreadable ? 66 : 65)
    }
}
