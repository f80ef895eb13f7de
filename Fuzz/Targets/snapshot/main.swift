import EDCAFuzzing

FuzzDriver.main { start, count in
    FuzzTargets.snapshot(FuzzDriver.bytes(start, count))
    return 0
}
