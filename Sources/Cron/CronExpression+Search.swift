import Foundation

extension CronExpression {
    /// The first fire instant (seconds since the epoch) at or after `threshold`.
    ///
    /// Wall-clock readings are searched in order, field by field, and each match is resolved to instants in the
    /// zone. The first occurrence of a reading never decreases as the reading grows (a gap maps to the instant that
    /// ends it), so the first match whose first occurrence is not before `threshold` wins, except that a wildcard
    /// expression may fire earlier at the second occurrence of a reading in a fall-back overlap around `threshold`;
    /// that candidate is found separately, so the main search never walks through an overlap reading by reading.
    func nextInstant(atOrAfter threshold: Int64, in zone: ZoneOffsets) -> Int64? {
        // One second after the reading just before the threshold: if the threshold ends a gap, this starts inside
        // the gap, whose readings fire at the threshold for fixed-time expressions.
        var start = threshold + zone.offset(at: threshold - 1)
        var secondOccurrence: Int64?
        if let overlap = zone.overlap(around: threshold) {
            // Readings of the overlap come back (as second occurrences) from `overlap.end` to `overlap.end + drop`.
            let readingsEnd = overlap.end + overlap.offsetBefore
            let drop = overlap.offsetBefore - overlap.offsetAfter
            if threshold >= overlap.end { start = max(start, readingsEnd) }
            if !firesAtFixedTime {
                let from = max(readingsEnd - drop, threshold + overlap.offsetAfter)
                let firstYear = LocalDateTime(secondsSinceEpoch: from).year
                if let reading = nextReading(atOrAfter: LocalDateTime(secondsSinceEpoch: from), throughYear: firstYear + 1),
                    reading.secondsSinceEpoch < readingsEnd
                {
                    secondOccurrence = reading.secondsSinceEpoch - overlap.offsetAfter
                }
            }
        }
        var cursor = LocalDateTime(secondsSinceEpoch: start)
        let lastYear = cursor.year + Self.searchHorizonYears
        while let reading = nextReading(atOrAfter: cursor, throughYear: lastYear) {
            var next = reading.secondsSinceEpoch + 1
            switch zone.resolve(reading.secondsSinceEpoch) {
            case .unique(let instant):
                if instant >= threshold { return min(instant, secondOccurrence ?? instant) }
            case .repeated(let first, _):
                // Debian cron runs fixed-time jobs only the first time; wildcard repeats are `secondOccurrence`.
                if first >= threshold { return min(first, secondOccurrence ?? first) }
            case .skipped(let gapEnd):
                // Debian cron catches up on fixed-time jobs whose time was skipped, right after the jump.
                if firesAtFixedTime, gapEnd >= threshold { return min(gapEnd, secondOccurrence ?? gapEnd) }
                // Every later reading in the gap is skipped too; resume at the reading the clock jumps to.
                next = max(next, gapEnd + zone.offset(at: gapEnd))
            }
            cursor = LocalDateTime(secondsSinceEpoch: next)
        }
        return secondOccurrence
    }

    /// The first wall-clock reading at or after `start` that matches every field, skipping whole months, days,
    /// hours and minutes that cannot match.
    func nextReading(atOrAfter start: LocalDateTime, throughYear lastYear: Int) -> LocalDateTime? {
        var t = start
        while t.year <= lastYear {
            guard let month = months.next(atOrAfter: t.month) else {
                t = LocalDateTime(year: t.year + 1, month: 1, day: 1)
                continue
            }
            if month != t.month { t = LocalDateTime(year: t.year, month: month, day: 1) }
            guard let day = days.firstMatch(year: t.year, month: t.month, from: t.day) else {
                t = t.startOfNextMonth
                continue
            }
            if day != t.day { t = LocalDateTime(year: t.year, month: t.month, day: day) }
            guard let hour = hours.next(atOrAfter: t.hour) else {
                t = t.startOfNextDay
                continue
            }
            if hour != t.hour { (t.hour, t.minute, t.second) = (hour, 0, 0) }
            guard let minute = minutes.next(atOrAfter: t.minute) else {
                if t.hour == 23 {
                    t = t.startOfNextDay
                } else {
                    (t.hour, t.minute, t.second) = (t.hour + 1, 0, 0)
                }
                continue
            }
            if minute != t.minute { (t.minute, t.second) = (minute, 0) }
            guard let second = seconds.next(atOrAfter: t.second) else {
                if t.minute < 59 {
                    (t.minute, t.second) = (t.minute + 1, 0)
                } else if t.hour < 23 {
                    (t.hour, t.minute, t.second) = (t.hour + 1, 0, 0)
                } else {
                    t = t.startOfNextDay
                }
                continue
            }
            t.second = second
            return t
        }
        return nil
    }
}

extension DaySchedule {
    /// The first day of the month, from `firstDay` on, that the day fields select.
    func firstMatch(year: Int, month: Int, from firstDay: Int) -> Int? {
        let length = CivilCalendar.daysInMonth(year: year, month: month)
        guard firstDay <= length else { return nil }
        var weekday = CivilCalendar.weekday(year: year, month: month, day: firstDay)
        for day in firstDay...length {
            if matches(year: year, month: month, day: day, weekday: weekday, length: length) { return day }
            weekday = (weekday + 1) % 7
        }
        return nil
    }

    func matches(year: Int, month: Int, day: Int, weekday: Int, length: Int) -> Bool {
        let dayOfMonthMatches = matchesDayOfMonth(year: year, month: month, day: day, weekday: weekday, length: length)
        let dayOfWeekMatches = matchesDayOfWeek(day: day, weekday: weekday, length: length)
        // Vixie cron: a `*` in either day field means "the other one decides"; otherwise either one suffices.
        if dayOfMonthIsWildcard || dayOfWeekIsWildcard { return dayOfMonthMatches && dayOfWeekMatches }
        return dayOfMonthMatches || dayOfWeekMatches
    }

    private func matchesDayOfMonth(year: Int, month: Int, day: Int, weekday: Int, length: Int) -> Bool {
        if daysOfMonth.contains(day) { return true }
        if lastDayOfMonth && day == length { return true }
        let isWeekday = weekday >= 1 && weekday <= 5
        if lastWeekdayOfMonth && isWeekday && day >= length - 2 {
            // Walk back from the month's last day over a weekend to find its last weekday.
            let lastWeekday = (weekday + length - day) % 7
            let lastWorkingDay = lastWeekday == 6 ? length - 1 : lastWeekday == 0 ? length - 2 : length
            if day == lastWorkingDay { return true }
        }
        if isWeekday {
            for target in nearestWeekdays where target <= length {
                if Self.nearestWeekday(to: target, year: year, month: month, length: length) == day { return true }
            }
        }
        return false
    }

    private func matchesDayOfWeek(day: Int, weekday: Int, length: Int) -> Bool {
        if daysOfWeek.contains(weekday) { return true }
        if lastWeekdaysOfMonth.contains(weekday) && day + 7 > length { return true }
        let occurrence = (day - 1) / 7 + 1
        return nthWeekdays.contains { $0.weekday == weekday && $0.occurrence == occurrence }
    }

    /// The Monday-Friday day nearest to `target`, never leaving the month (Quartz's `W`): a Saturday moves to the
    /// Friday before unless that is in the previous month, a Sunday to the Monday after unless that is in the next.
    static func nearestWeekday(to target: Int, year: Int, month: Int, length: Int) -> Int {
        switch CivilCalendar.weekday(year: year, month: month, day: target) {
        case 6: return target == 1 ? 3 : target - 1
        case 0: return target == length ? target - 2 : target + 1
        default: return target
        }
    }
}
