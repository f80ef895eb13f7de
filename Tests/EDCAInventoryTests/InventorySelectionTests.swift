import EDCAInventory
import Testing

@Suite struct InventorySelectionTests {
    static let yaml = """
        defaults: {user: u, identity: k}
        groups:
          site-a:
            tags: [site-a]
            hosts:
              - {name: mbx01, tags: [dag1]}
              - {name: mbx02, enabled: false, tags: [dag1]}
          site-b:
            tags: [site-b]
            hosts:
              - {name: edge01}
        hosts:
          - {name: mbx03, tags: [dag1]}
        """

    @Test func selectsEnabledHostsByNameAndTag() throws {
        let inventory = try parseValid(Self.yaml)
        #expect(inventory.selecting(hosts: [], tags: []).map(\.name) == ["mbx01", "edge01", "mbx03"])
        #expect(inventory.selecting(hosts: ["MBX01", "mbx02"], tags: []).map(\.name) == ["mbx01"])
        #expect(inventory.selecting(hosts: [], tags: ["DAG1"]).map(\.name) == ["mbx01", "mbx03"])
        #expect(inventory.selecting(hosts: [], tags: ["site-b", "dag1"]).map(\.name) == ["mbx01", "edge01", "mbx03"])
        #expect(inventory.selecting(hosts: ["mbx01", "edge01"], tags: ["site-b"]).map(\.name) == ["edge01"])
        #expect(inventory.unknownHostNames(["MBX02", "nope"]) == ["nope"])
    }

    @Test func fnv1a64MatchesTheReferenceVectors() {
        #expect(Inventory.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(Inventory.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(Inventory.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func shardAssignmentIsFixedAcrossRunsAndCase() {
        let assignments = ["mbx01", "mbx02", "edge01", "mbx03", "mbx04", "mbx05"].map {
            Inventory.shardIndex(ofHostNamed: $0, count: 4)
        }
        #expect(assignments == Self.expectedShardsOfFour)
        #expect(Inventory.shardIndex(ofHostNamed: "MBX01", count: 4) == Self.expectedShardsOfFour[0])
    }

    /// FNV-1a 64 of each name modulo 4, computed independently (Python) when the test was written.
    static let expectedShardsOfFour = [1, 0, 3, 3, 2, 1]

    @Test(arguments: [1, 2, 3, 7])
    func shardsPartitionTheEnabledHosts(count: Int) throws {
        let hostList = (1...50).map { "  - {name: mbx\($0)}" }.joined(separator: "\n")
        let inventory = try parseValid("defaults: {user: u, identity: k}\nhosts:\n\(hostList)\n")
        let shards = (0..<count).map { inventory.shard($0, of: count) }
        let names = shards.flatMap { $0.map(\.name) }
        #expect(names.count == 50)
        #expect(Set(names) == Set(inventory.hosts.map(\.name)))
        #expect(inventory.shard(count, of: count).isEmpty)
        #expect(inventory.shard(-1, of: count).isEmpty)
    }

    @Test func shardsLeaveOutDisabledHosts() throws {
        let inventory = try parseValid(Self.yaml)
        let names = (0..<3).flatMap { inventory.shard($0, of: 3).map(\.name) }
        #expect(Set(names) == ["mbx01", "edge01", "mbx03"])
    }
}
