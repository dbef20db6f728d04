package geo

import (
	"runtime"
	"testing"
)

// BenchmarkBundled measures a cold load of the embedded place list and
// reports the heap it keeps.
func BenchmarkBundled(b *testing.B) {
	b.ReportAllocs()
	var g *Gazetteer
	for i := 0; i < b.N; i++ {
		var err error
		if g, err = loadBundled(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(len(g.places)), "places")
}

func BenchmarkResolve(b *testing.B) {
	g := bundledT(b)
	qs := []Query{
		{Text: "Santiago Bernabéu", Country: "ES"}, {Text: "Kerman", Country: ""}, {Text: "Sarıyer, Istanbul", Country: "TR"},
		{Text: "Köln", Country: "DE"}, {Text: "Turkey", Country: ""}, {Text: "Crocus City Hall, Moscow", Country: "RU"},
		{Text: "Paris", Country: ""}, {Text: "Başakşehir, İstanbul", Country: "TR"},
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := g.Resolve(qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolveNotFound(b *testing.B) {
	g := bundledT(b)
	g.allKeys()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Resolve(Query{Text: "Basaksehr", Country: "TR"})
	}
}
