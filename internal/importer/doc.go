// Package importer reads the daily complaint exports of the 12315 platform
// into intake.Complaint values, row by row, and writes the report of the
// rows that could not be imported.
//
// # Files
//
// The kind of file is told by its content, never by its name: a zip is an
// .xlsx workbook; an OLE file (.xls, or an encrypted workbook) is refused
// with a hint to save it as .xlsx; other binary content is refused with
// "不是有效的 .xlsx 或 .csv 文件"; anything else is CSV text in UTF-8 (with
// or without BOM) when the whole file is valid UTF-8, otherwise GBK
// (decoded as GB18030, its superset). UTF-16 with a BOM (Excel's "Unicode
// text") is read too. The delimiter is a comma, or a tab when the header row
// is tab-separated.
//
// In a workbook the first sheet that has a header row is read ("表格为空"
// when no sheet has any content). The header row is the first of the first
// ten non-empty rows that names at least three known columns, so title rows
// above it are skipped.
//
// # Columns
//
// Columns are found by header name: Aliases lists the accepted names per
// Field; matching ignores white space, full-width/half-width forms, a
// leading "*" and a trailing "（元）"/"(元)" or colon. Required are 投诉编号,
// 投诉人, 联系电话, 被投诉人 and 投诉内容, plus 统一社会信用代码 or 经营者地址;
// when one is missing Open returns a *HeaderError listing each missing column
// with its accepted names. Other columns are ignored.
//
// # Rows
//
// Every row is parsed and validated on its own (Channel "12315"); a bad row
// gets a Chinese reason in Row.Err, e.g.
// "登记时间“2026-13-45”无法识别；请填写投诉人姓名", and never stops the file. Dates are read by ParseDate (text in the
// usual forms, or Excel serial numbers, which is what date-typed cells hold),
// amounts by ParseAmount, categories mapped by MapCategory. In a workbook:
// a formula cell gives its cached value, and a formula without one (or with
// an error value such as #DIV/0!) fails the row with a message saying so; a
// vertically merged cell gives its value to every row it spans (Raw keeps
// the cells as stored); numbers Excel turned into exponent form are written
// out when exact and reported when digits were lost. Validation needs the
// current time: set Reader.Now (nil means time.Now).
//
// Only a file that cannot be read at all is an error: not a spreadsheet, no
// header row, required columns missing, damaged data (the worksheets
// examined and the shared strings are checked against their zip checksums,
// since excelize alone would silently read a damaged part short). A Reader
// is for one goroutine.
//
// # Memory
//
// Reading streams. A workbook is copied to a temporary file and opened by
// excelize with worksheets and shared strings over 4 MB unzipped to
// temporary files, and rows come from excelize's row iterator; one extra
// streaming pass over the chosen sheet's XML finds formula cells without a
// value and merged ranges. A CSV file is read through encoding/csv straight
// from the io.ReaderAt, with one record limited to 1 MB so junk without line
// breaks or an unterminated quote fails fast. Zip parts are limited (2 GB in
// all, 128 MB outside worksheets and shared strings) against zip bombs. A
// 100,000-row export reads in about 5 s with the heap under 50 MB
// (TestLargeXLSXStreams). ReportWriter streams its rows through excelize's
// StreamWriter.
package importer
