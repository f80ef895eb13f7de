// The nouns the command line names (controls, roles, severities, statuses, snapshots, inventory hosts) come with
// EDCAAgent, so that the command line depends on EDCAAgent alone; the transport, the probe and the spool stay
// behind ScanSession.
@_exported import EDCAEngine
@_exported import EDCAInventory
