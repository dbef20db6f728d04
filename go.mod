module github.com/mapsite/mapsite

go 1.26.0

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/paulmach/orb v0.14.0
	github.com/tdewolff/minify/v2 v2.24.25
	golang.org/x/sys v0.49.0
	golang.org/x/text v0.44.0
)

require (
	github.com/fsnotify/fsnotify v1.10.1 // indirect
	github.com/tdewolff/parse/v2 v2.8.20 // indirect
	go.mongodb.org/mongo-driver/v2 v2.5.0 // indirect
)
