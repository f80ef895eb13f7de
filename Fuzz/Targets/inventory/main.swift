import EDCAFuzzing

FuzzDriver.main { start, count in
    FuzzTargets.inventory(FuzzDriver.bytes(start, count))
    return 0
}
