import EDCAFuzzing

FuzzDriver.main { start, count in
    FuzzTargets.clixml(FuzzDriver.bytes(start, count))
    return 0
}
