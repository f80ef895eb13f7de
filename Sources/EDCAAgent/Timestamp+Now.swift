package import EDCACore
import Foundation

extension Timestamp {
    /// The agent's clock now, to the second (UTC). Only the agent reads the clock; the engine is given the time.
    package static func now() -> Timestamp {
        Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970.rounded(.down)))
    }
}
