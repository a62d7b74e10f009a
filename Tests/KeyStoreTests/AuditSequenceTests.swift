import KeyStore
import Testing

/// The next audit event's number comes from the last one stored, which a hand-edited registry
/// may hold out of range: then there is no next number, and the change is refused.
struct AuditSequenceTests {
    @Test(arguments: [(Int64(1), Int64(2) as Int64?), (41, 42), (Int64.max - 1, Int64.max), (Int64.max, nil), (0, nil), (-7, nil)])
    func theEventAfterALastStoredOne(last: Int64, next: Int64?) {
        #expect(AuditEvent.seq(after: last) == next)
    }
}
