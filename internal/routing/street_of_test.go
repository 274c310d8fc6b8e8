package routing

import "testing"

func TestStreetOf(t *testing.T) {
	d := NewDirectory(nil, nil, nil, []StreetRoom{{Street: "陆家嘴街道", RoomID: 1}, {Street: "川沙新镇", RoomID: 2}, {Street: "唐镇", RoomID: 3}, {Street: "北蔡镇", RoomID: 4}})
	cases := []struct{ addr, want string }{
		{"浦东新区陆家嘴街道银城中路1号", "陆家嘴街道"},
		{"浦东新区陆家嘴环路1000号", "陆家嘴街道"}, // the base name
		{"浦东新区川沙路1号", "川沙新镇"},
		{"浦东新区唐镇唐丰路2号", "唐镇"},
		{"浦东新区北蔡镇南码头路1号", "北蔡镇"},
		{"ＰＵ东新区　陆家嘴街道", "陆家嘴街道"}, // full-width and spaces
		{"徐汇区漕河泾", ""},
		{"", ""},
	}
	for _, c := range cases {
		if got := d.StreetOf(c.addr); got != c.want {
			t.Errorf("StreetOf(%q) = %q, want %q", c.addr, got, c.want)
		}
	}
	var none *Directory
	if none.StreetOf("陆家嘴街道") != "" || (&Directory{}).StreetOf("陆家嘴街道") != "" {
		t.Error("no directory, no street")
	}
	lit := &Directory{Streets: []StreetRoom{{Street: "花木街道", RoomID: 1}}} // built without NewDirectory
	if lit.StreetOf("花木街道锦绣路") != "花木街道" {
		t.Error("a literal directory matches too")
	}
}
