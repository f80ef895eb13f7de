import EDCACore
import EDCAJSON
import Testing

@testable import EDCASpool

/// An Exchange fact in a Compliance Finding's evidence: named by its own fields (key, row, property) with the
/// value as text, or the error class as the observation, and read back by the report as the same location.
@Suite struct ExchangeEvidenceTests {
    @Test func aRowPropertyIsNamedByItsFieldsAndReadBack() throws {
        let location = FactLocation.exchangeProperty(
            key: "ReceiveConnector", row: #"MBX01\Client Frontend MBX01"#, property: "MaxMessageSize")
        let evidence = Evidence(
            subject: location, value: .text("37748736"), observed: " = 37748736", observation: "set",
            required: ["required: <= 26214400"], result: .fail)
        let text = String(decoding: SpoolEvents.evidence(evidence).compactBytes(), as: UTF8.self)
        #expect(text.contains(#""fact":"exchange","exchange_key":"ReceiveConnector""#), "\(text)")
        #expect(text.contains(#""exchange_row":"MBX01\\Client Frontend MBX01","exchange_property":"MaxMessageSize""#))
        #expect(text.contains(#""value":"37748736""#))
        let fields = Dictionary(uniqueKeysWithValues: location.fields.map { ($0.name, $0.value) })
        #expect(FactLocation(fields: fields) == location)
        #expect(
            FactLocation(fields: ["fact": "exchange", "exchange_key": "TransportConfig"])
                == .exchangeFact("TransportConfig"))
    }

    @Test func aStageErrorIsTheObservation() {
        let evidence = Evidence(
            subject: .exchangeFact("TransportService"),
            observed: ": not collected: the Exchange stage failed (exchange.no-network-credentials: 0x80072020)",
            observation: "exchange.no-network-credentials", required: ["required: false; counts as Unknown"],
            result: .unknown)
        let text = String(decoding: SpoolEvents.evidence(evidence).compactBytes(), as: UTF8.self)
        #expect(text.contains(#""observation":"exchange.no-network-credentials""#), "\(text)")
        #expect(text.contains(#""result":"Unknown""#))
    }
}
