package smartmediation

import "testing"

func TestScrub(t *testing.T) {
	tests := []struct{ in, want string }{
		{"电话13812345678。", "电话138****5678。"},
		{"身份证31011519900101123X", "身份证310***********123X"},
		{"身份证31011519900101123x号", "身份证310***********123x号"},
		{"卡号6222021234567890123", "卡号622************0123"},
		{"全角１３８１２３４５６７８", "全角１３８****５６７８"},
		{"座机021-58881234转8", "座机021-****1234转8"},
		{"座机0512 6888123", "座机0512-****8123"},
		{"两个13812345678和13912345678", "两个138****5678和139****5678"},
		{"金额1,234.00元，订单2026-05-01", "金额1,234.00元，订单2026-05-01"},
		{"十位数1234567890不动", "十位数1234567890不动"},
		{"138****5678", "138****5678"},
		{"", ""},
	}
	for _, tt := range tests {
		got := Scrub(tt.in)
		if got != tt.want {
			t.Errorf("Scrub(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if holdsNumber(got) {
			t.Errorf("Scrub(%q) = %q still holds a number", tt.in, got)
		}
	}
	if !holdsNumber("13812345678") || !holdsNumber("021-58881234") || holdsNumber("1234567890") {
		t.Error("holdsNumber misjudges")
	}
}

func TestMaskedPhone(t *testing.T) {
	for s, want := range map[string]bool{
		"138****5678": true, "*********78": true, "021-****1234": true,
		"13812345678": false, "13812***678": false, "": false, "138-1234-5678": false,
	} {
		if got := maskedPhone(s); got != want {
			t.Errorf("maskedPhone(%q) = %v, want %v", s, got, want)
		}
	}
}
