package importer

import (
	"errors"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

func TestParseDate(t *testing.T) {
	sh := calendar.Shanghai()
	d := func(y, mo, day, h, mi, s int) time.Time { return time.Date(y, time.Month(mo), day, h, mi, s, 0, sh) }
	cases := []struct {
		in   string
		want time.Time
	}{
		{"2026-03-02", d(2026, 3, 2, 0, 0, 0)},
		{"2026/3/2", d(2026, 3, 2, 0, 0, 0)},
		{"2026.3.2", d(2026, 3, 2, 0, 0, 0)},
		{"2026-3-2", d(2026, 3, 2, 0, 0, 0)},
		{" 2026-03-02 ", d(2026, 3, 2, 0, 0, 0)},
		{"2026-03-02 09:30", d(2026, 3, 2, 9, 30, 0)},
		{"2026-03-02 9:30", d(2026, 3, 2, 9, 30, 0)},
		{"2026-03-02 09:30:00", d(2026, 3, 2, 9, 30, 0)},
		{"2026-03-02 09:30:15.250", d(2026, 3, 2, 9, 30, 15)},
		{"2026/03/02 23:59:59", d(2026, 3, 2, 23, 59, 59)},
		{"2026-03-02T09:30:00", d(2026, 3, 2, 9, 30, 0)},
		{"2026-03-02T01:30:00Z", d(2026, 3, 2, 9, 30, 0)},
		{"2026-03-02T09:30:00+08:00", d(2026, 3, 2, 9, 30, 0)},
		{"2026年3月2日", d(2026, 3, 2, 0, 0, 0)},
		{"2026年03月02日", d(2026, 3, 2, 0, 0, 0)},
		{"2026年3月2日 9:30", d(2026, 3, 2, 9, 30, 0)},
		{"2026年3月2日9时30分", d(2026, 3, 2, 9, 30, 0)},
		{"2026年3月2日 9时30分15秒", d(2026, 3, 2, 9, 30, 15)},
		{"２０２６－０３－０２　０９：３０", d(2026, 3, 2, 9, 30, 0)}, // full width
		{"20260302", d(2026, 3, 2, 0, 0, 0)},
		{"202603020930", d(2026, 3, 2, 9, 30, 0)},
		{"20260302093015", d(2026, 3, 2, 9, 30, 15)},
		{"46083", d(2026, 3, 2, 0, 0, 0)},
		{"46083.5", d(2026, 3, 2, 12, 0, 0)},
		{"46083.395833333336", d(2026, 3, 2, 9, 30, 0)}, // as stored by Excel
		{"46083.99999999", d(2026, 3, 3, 0, 0, 0)},      // rounds to the second
		{"10000", d(1927, 5, 18, 0, 0, 0)},
		{"36526", d(2000, 1, 1, 0, 0, 0)},
	}
	for _, c := range cases {
		got, err := ParseDate(c.in)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", c.in, err)
			continue
		}
		if !got.Equal(c.want) || got.Location() != sh {
			t.Errorf("ParseDate(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"", "   ", "2026-13-45", "2026-02-30", "2026-02-29", "2026-03-02 24:00",
		"2026-03-02 09:60", "abc", "2026", "1", "9999", "03/02/2026", "2026-03", "20261345", "0", "60", "-46083",
		"46083.5.1", "99999999", "2958466", "1e5", "NaN", "2026年3月2日 上午", "2026-03-02 09:30 extra"} {
		_, err := ParseDate(bad)
		var de *DateError
		if !errors.As(err, &de) {
			t.Errorf("ParseDate(%q) err = %v, want *DateError", bad, err)
		}
	}
	if _, err := ParseDate("2026-13-45"); err == nil || err.Error() != "日期“2026-13-45”无法识别" {
		t.Errorf("message: %v", err)
	}
	// 1904 date system workbooks count from 1904-01-01.
	got, err := parseDate("44621", true)
	if err != nil || !got.Equal(d(2026, 3, 2, 0, 0, 0)) {
		t.Errorf("1904 serial: %v %v", got, err)
	}
}

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in   string
		want int64
	}{
		{"", 0}, {"  ", 0}, {"0", 0}, {"1234.5", 123450}, {"1,234.50", 123450}, {"¥1,234.50", 123450},
		{"￥1,234.50", 123450}, {"1234.50元", 123450}, {"1234元", 123400}, {"RMB 12", 1200},
		{"人民币12.3元", 1230}, {"１２３４．５", 123450}, {"0.01", 1}, {".5", 50}, {"+8", 800},
		{"007", 700}, {"1 000", 100000}, {"1，000", 100000},
		{"0.30000000000000004", 30}, {"1234.4999999999998", 123450}, {"99.990000000001", 9999},
		{"1000000000", 100000000000}, {"¥", 0},
	}
	for _, c := range cases {
		got, err := ParseAmount(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	bad := map[string]string{
		"-5": "不能为负数", "−5": "不能为负数", "-0.01": "不能为负数", "abc": "无法识别", "12a": "无法识别",
		"1.2.3": "无法识别", "1.": "无法识别", ".": "无法识别", "1.234": "最多保留两位小数", "1e5": "无法识别",
		"99999999999999": "超出范围", "一百": "无法识别", "NaN": "无法识别", "Inf": "无法识别",
	}
	for in, reason := range bad {
		_, err := ParseAmount(in)
		var ae *AmountError
		if !errors.As(err, &ae) || ae.Reason != reason {
			t.Errorf("ParseAmount(%q) err = %v, want reason %q", in, err, reason)
		}
	}
	if _, err := ParseAmount("-5"); err == nil || err.Error() != "金额“-5”不能为负数" {
		t.Errorf("message: %v", err)
	}
}

func TestMapCategory(t *testing.T) {
	cases := map[string]string{
		"服务-健身":   "服务-健身",
		"健身":      "服务-健身",
		"健身服务":    "服务-健身",
		" 健身 ":    "服务-健身",
		"服务—健身":   "服务-健身",
		"服务/健身":   "服务-健身",
		"服务 - 健身": "服务-健身",
		"家用电器":    "商品-家用电器",
		"商品－家用电器": "商品-家用电器",
		"家政":      "服务-家政服务",
		"家政服务":    "服务-家政服务",
		"维修":      "服务-维修服务",
		"医疗美容":    "服务-医疗美容",
		"化妆品类":    "商品-化妆品",
		"商品-家电":   "商品-其他商品",
		"其他商品":    "商品-其他商品",
		"服务-其他":   "服务-其他服务",
		"生活服务":    "服务-其他服务",
		"服务类":     "服务-其他服务",
		"商品":      "商品-其他商品",
		"火星特产":    "火星特产",
		"":        "",
	}
	for in, want := range cases {
		if got := MapCategory(in); got != want {
			t.Errorf("MapCategory(%q) = %q, want %q", in, got, want)
		}
	}
	// Every category maps to itself and its own sub-category name to it.
	for _, c := range domain.Categories {
		if got := MapCategory(c); got != c {
			t.Errorf("MapCategory(%q) = %q", c, got)
		}
	}
}

func TestMatchHeader(t *testing.T) {
	cases := map[string]Field{
		"投诉编号":           FieldExternalID,
		" 投 诉 编 号 ":      FieldExternalID,
		"工单编号：":          FieldExternalID,
		"*投诉单号":          FieldExternalID,
		"投诉人\n姓名":        FieldComplainantName,
		"金额（元）":          FieldClaimAmount,
		"金额(元)":          FieldClaimAmount,
		"涉及金额（元）":        FieldClaimAmount,
		"争议金额(元):":       FieldClaimAmount,
		"商品／服务类别":        FieldCategory,
		"商品/服务类别":        FieldCategory,
		"受理时间":           FieldReceivedAt,
		"统一社会信用代码\u3000": FieldCreditCode,
		"被投诉人":           FieldMerchantName,
		"被投诉人地址":         FieldMerchantAddress,
	}
	for in, want := range cases {
		if got, ok := MatchHeader(in); !ok || got != want {
			t.Errorf("MatchHeader(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"序号", "备注", "", "投诉", "处理结果"} {
		if f, ok := MatchHeader(in); ok {
			t.Errorf("MatchHeader(%q) = %q", in, f)
		}
	}
	// Every alias of the table matches its own field, and the copy handed
	// out cannot change the table.
	a := Aliases()
	for f, names := range a {
		for _, n := range names {
			if got, ok := MatchHeader(n); !ok || got != f {
				t.Errorf("alias %q → %q, want %q", n, got, f)
			}
		}
	}
	a[FieldPhone][0] = "改动"
	if Aliases()[FieldPhone][0] != "联系电话" || FieldPhone.Label() != "联系电话" {
		t.Error("Aliases must return a copy")
	}
	if len(Fields()) != 12 || len(a) != 12 {
		t.Errorf("fields: %d, aliases: %d", len(Fields()), len(a))
	}
}
