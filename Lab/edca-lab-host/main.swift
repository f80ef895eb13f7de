// edca-lab-host: a simulated Windows host (Win32-OpenSSH + powershell.exe) that answers the registry probe
// from a snapshot, for sshd's ForceCommand. LabHost.swift documents usage, the lab file and the faults.
LabHost.exitAfterRunning(arguments: Array(CommandLine.arguments.dropFirst()))
