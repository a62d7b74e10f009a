extension DoctorCheck {
    /// A check's identity: its id and title, and the results it can give.
    struct Definition: Sendable {
        let id: String
        let title: String

        func pass(_ detail: String) -> DoctorCheck {
            DoctorCheck(id: id, title: title, outcome: .pass, detail: detail)
        }

        func warn(_ detail: String, fix: String) -> DoctorCheck {
            DoctorCheck(id: id, title: title, outcome: .warn, detail: detail, fix: fix)
        }

        func fail(_ detail: String, fix: String) -> DoctorCheck {
            DoctorCheck(id: id, title: title, outcome: .fail, detail: detail, fix: fix)
        }

        /// A warning that the check could not run, and why.
        func notChecked(_ problem: DoctorProblem, fix: String) -> DoctorCheck {
            warn("not checked: \(problem)", fix: fix)
        }
    }
}

/// `a, b, c and 4 more`: a list that stays one readable line.
func listed(_ items: [String], limit: Int = 5) -> String {
    guard items.count > limit else { return items.joined(separator: ", ") }
    return items.prefix(limit).joined(separator: ", ") + " and \(items.count - limit) more"
}

/// `1 key` or `3 keys`.
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
