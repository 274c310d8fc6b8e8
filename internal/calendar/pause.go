package calendar

// Pause is a suspension (中止) of a case: it starts on From and the case
// resumed on To; To == nil means the case is still suspended. The suspended
// days are the window (From, To]: From itself still counts for the clock.
type Pause struct {
	From Date
	To   *Date
}

// window is a suspension with a known end: the days in (from, to].
type window struct{ from, to dayNum }

// windows turns pauses into windows; an open pause lasts until asOf. When
// the clock has stopped, every window is cut off at the stop day: a
// suspension after that cannot move it. Empty windows are dropped.
func windows(pauses []Pause, asOf Date, stopped *Date) []window {
	var ws []window
	for _, p := range pauses {
		end := asOf
		if p.To != nil {
			end = *p.To
		}
		if stopped != nil && stopped.Before(end) {
			end = *stopped
		}
		if end.After(p.From) {
			ws = append(ws, window{from: p.From.num(), to: end.num()})
		}
	}
	return ws
}

// suspended reports whether day n lies inside any window.
func suspended(ws []window, n dayNum) bool {
	for _, w := range ws {
		if w.from < n && n <= w.to {
			return true
		}
	}
	return false
}

// openAt reports whether p is in effect on day d: started on or before d and
// not yet resumed.
func (p Pause) openAt(d Date) bool {
	return !d.Before(p.From) && (p.To == nil || d.Before(*p.To))
}

// DueWithPauses is AddWorkdays(start, n) extended by every working day that
// lies inside a suspension window which starts before the (moving) due date.
// An open pause is treated as lasting until today: while it stays open the
// due date moves on day by day, which is what a stopped clock looks like.
// Overlapping pauses are not double counted. n <= 0 returns start.
func (c *Calendar) DueWithPauses(start Date, n int, pauses []Pause, today Date) Date {
	due, _ := c.dueWithPauses(start, n, windows(pauses, today, nil))
	return due
}

// dueWithPauses walks the working days after start, skipping suspended ones,
// until n have been counted. It also returns how many working days were
// skipped, which is the extension caused by the suspensions.
// n <= 0 returns start unchanged.
func (c *Calendar) dueWithPauses(start Date, n int, ws []window) (due Date, skipped int) {
	if n <= 0 {
		return start, 0
	}
	d := start.num()
	for n > 0 {
		d++
		switch {
		case !c.isWorkday(d):
		case suspended(ws, d):
			skipped++
		default:
			n--
		}
	}
	return d.date(), skipped
}
