// The nouns the command line names (controls, roles, severities, statuses, snapshots, inventory hosts) come with
// EDCAAgent, so that the command line depends on EDCAAgent alone; the transport, the probe and the spool stay
// behind ScanSession. The shared nouns live in EDCACore (and JSON output in EDCAJSON).
@_exported import EDCACore
@_exported import EDCAEngine
@_exported import EDCAInventory
@_exported import EDCAJSON
