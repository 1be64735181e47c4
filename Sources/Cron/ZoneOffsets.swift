import Foundation

/// A time zone seen as offsets from UTC, for turning wall-clock readings into instants.
struct ZoneOffsets: Sendable {
    /// How one wall-clock reading maps to real instants (seconds since the epoch).
    enum Resolution: Equatable {
        /// The reading happens once.
        case unique(Int64)
        /// A fall-back repeats the reading: it happens at both instants.
        case repeated(Int64, Int64)
        /// A spring-forward skips the reading; `gapEnd` is the first instant after the gap.
        case skipped(gapEnd: Int64)
    }

    let zone: TimeZone

    init(_ zone: TimeZone) {
        self.zone = zone
    }

    /// Seconds east of UTC at `instant`.
    func offset(at instant: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    /// The instants at which the wall clock reads `reading` (seconds since the epoch on the wall clock).
    func resolve(_ reading: Int64) -> Resolution {
        // Offsets that could apply near this reading; a transition pair within a day either side is enough
        // because tzdata never changes a zone's offset twice within hours.
        let candidates = Set([offset(at: reading - 86_400), offset(at: reading), offset(at: reading + 86_400)])
        let instants = candidates.map { reading - $0 }.filter { offset(at: $0) == reading - $0 }.sorted()
        if let first = instants.first, let last = instants.last {
            return first == last ? .unique(first) : .repeated(first, last)
        }
        // In a gap: the clock jumps from before `reading` to after it at some instant between the readings
        // computed with the larger and the smaller offset; find the first instant whose reading is past it.
        var low = reading - (candidates.max() ?? 0)
        var high = reading - (candidates.min() ?? 0)
        guard low < high, high + offset(at: high) > reading else { return .skipped(gapEnd: high) }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if middle + offset(at: middle) > reading { high = middle } else { low = middle }
        }
        return .skipped(gapEnd: high)
    }

    /// A fall-back near `instant`: the clock turns back at `end`, from `offsetBefore` to the smaller `offsetAfter`.
    struct Overlap: Equatable {
        let end: Int64
        let offsetBefore: Int64
        let offsetAfter: Int64
    }

    /// The fall-back whose repeated instants include `instant` or start within the turned-back span after it,
    /// assuming, as tzdata does for every zone in use, at most one offset change within four hours either side.
    func overlap(around instant: Int64) -> Overlap? {
        var low = instant - 4 * 3600
        var high = instant + 4 * 3600
        let before = offset(at: low)
        let after = offset(at: high)
        guard before > after else { return nil }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) < before { high = middle } else { low = middle }
        }
        let drop = before - after
        // Only an overlap whose repeated span [end - drop, end + drop) contains the instant matters.
        guard high - drop < instant, instant < high + drop else { return nil }
        return Overlap(end: high, offsetBefore: before, offsetAfter: after)
    }
}
