/// Which keys `list` shows; nil matches everything.
public struct KeyFilter: Sendable, Equatable {
    public var env: EnvironmentName?
    public var status: KeyStatus?
    public var owner: String?

    public init(env: EnvironmentName? = nil, status: KeyStatus? = nil, owner: String? = nil) {
        self.env = env
        self.status = status
        self.owner = owner
    }
}
