package routing

// StreetOf names the registered street or town (街镇) an address lies in,
// matched as the street rule matches a merchant's address; "" when the
// address names none of the directory's streets.
func (d *Directory) StreetOf(address string) string {
	if d == nil || len(d.Streets) == 0 {
		return ""
	}
	addr := normalize(address, false)
	if addr == "" {
		return ""
	}
	m := d.streets
	if m.byFirst == nil {
		m = newStreetMatcher(d.Streets)
	}
	p, ok := m.match(addr)
	if !ok {
		return ""
	}
	return d.Streets[p.street].Street
}
