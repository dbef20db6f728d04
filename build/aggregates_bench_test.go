package build

import "testing"

// BenchmarkAppendFeature encodes the features of 1,000 synthetic records
// into a buffer used again, as encodeOnce does.
func BenchmarkAppendFeature(b *testing.B) {
	m := synthModel(b, 1000)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, rv := range m.Records {
			buf = m.appendFeature(buf[:0], rv)
		}
	}
}

// BenchmarkAppendCSVRow encodes the CSV rows of 1,000 synthetic records
// into a buffer used again, as encodeOnce does.
func BenchmarkAppendCSVRow(b *testing.B) {
	m := synthModel(b, 1000)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, rv := range m.Records {
			buf = m.appendCSVRow(buf[:0], rv)
		}
	}
}

// BenchmarkAppendColumns makes the columns of the map's data of 10,000
// synthetic records.
func BenchmarkAppendColumns(b *testing.B) {
	m := synthModel(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		m.appendColumns(nil)
	}
}
