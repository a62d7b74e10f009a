import KeyStore

extension JSONWriter {
    /// `"marked_compromised": [{"name": ..., "env": ...}]`: the keys a command marked compromised.
    mutating func markedCompromised(_ marked: [IdentifiedSecret]) {
        key("marked_compromised")
        beginArray()
        for found in marked {
            beginObject()
            key("name"); string(found.key.name.rawValue)
            key("env"); string(found.key.env.rawValue)
            endObject()
        }
        endArray()
    }
}
