/// Comparisons whose running time does not depend on where two byte strings differ.
enum ConstantTime {
    /// True when `lhs` and `rhs` are equal; only their lengths can leak through timing.
    static func equal<A: Collection<UInt8>, B: Collection<UInt8>>(_ lhs: A, _ rhs: B) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}
