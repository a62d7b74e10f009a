/// A growable byte buffer written through a raw pointer: appending a byte costs a store and an
/// increment, with none of `Array`'s uniqueness checks. Owned by one `JSONWriter`.
final class OutputBuffer {
    private(set) var count = 0
    private var capacity: Int
    private var storage: UnsafeMutablePointer<UInt8>

    init(capacity: Int = 1 << 18) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { grow(to: capacity * 2) }
        storage[count] = byte
        count += 1
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        guard let base = bytes.baseAddress else { return }
        (storage + count).update(from: base, count: bytes.count)
        count += bytes.count
    }

    func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// Makes room for `extra` more bytes and returns where they go; call `commit` after writing.
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: max(capacity * 2, count + extra)) }
    }

    var end: UnsafeMutablePointer<UInt8> { storage + count }
    func commit(_ written: Int) { count += written }

    func drain(into sink: any OutputSink) {
        sink.write(Array(UnsafeBufferPointer(start: storage, count: count)))
        count = 0
    }

    private func grow(to newCapacity: Int) {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        larger.update(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity = newCapacity
    }
}
