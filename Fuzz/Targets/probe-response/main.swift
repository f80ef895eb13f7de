import EDCAFuzzing

FuzzDriver.main { start, count in
    FuzzTargets.probeResponse(FuzzDriver.bytes(start, count))
    return 0
}
