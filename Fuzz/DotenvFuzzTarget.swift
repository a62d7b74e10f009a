import Adapters

extension FuzzTarget {
    /// A dotenv file: parsing never fails and serialising gives the same bytes back; a value
    /// written, and the old value written back, each read back exactly from the file's bytes.
    static let dotenv = FuzzTarget(name: "dotenv") { bytes in
        let file = DotenvFile(parsing: bytes)
        invariant(file.serialized() == bytes, "parse then serialise changed the bytes")
        let name = "API_KEY"
        let original: [UInt8]?
        do { original = try file.value(of: name) } catch { return }
        var changed = file
        let fresh = Array("sk_fuzz_New0123456789abcdef".utf8)
        guard (try? changed.setValue(fresh, of: name)) != nil else { return }
        invariant((try? DotenvFile(parsing: changed.serialized()).value(of: name)) == fresh, "the value written does not read back from the file")
        guard let original else { return }
        var restored = changed
        guard (try? restored.setValue(original, of: name)) != nil else { return }
        invariant((try? DotenvFile(parsing: restored.serialized()).value(of: name)) == original, "the restored value does not read back from the file")
    }
}
