package ingest_test

import (
	"testing"

	"github.com/tiaojie/tiaojie/internal/ingest"
	"github.com/tiaojie/tiaojie/internal/store"
)

// TestStoppedMessage: the message of a stopped import says where it stopped
// and what is already in, or that nothing was written.
func TestStoppedMessage(t *testing.T) {
	cases := []struct {
		b    store.ImportBatch
		want string
	}{
		{store.ImportBatch{}, "导入失败：文件为空。未写入任何数据。"},
		{store.ImportBatch{Total: 3000}, "导入失败：文件为空。未写入任何数据。"},
		{store.ImportBatch{Total: 3000, Done: 1178, LastLine: 1180, Imported: 1100, Updated: 50, Skipped: 20, Failed: 8},
			"导入在第 1179 条记录处停止（已处理到文件第 1180 行），共 3000 条：文件为空。此前的 1178 条已处理并保存：新增 1100，更新 50，未变跳过 20，失败 8；其后的记录未导入。"},
		{store.ImportBatch{Done: 7, Imported: 7},
			"导入在第 8 条记录处停止：文件为空。此前的 7 条已处理并保存：新增 7，更新 0，未变跳过 0，失败 0；其后的记录未导入。"},
	}
	for _, c := range cases {
		if got := ingest.StoppedMessage(c.b, "文件为空"); got != c.want {
			t.Errorf("%+v:\n got %s\nwant %s", c.b, got, c.want)
		}
	}
}
