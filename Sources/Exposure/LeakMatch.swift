/// A finding together with what the registry says about it.
public struct LeakMatch: Sendable {
    public var finding: LeakFinding
    public var verdict: LeakVerdict
}
