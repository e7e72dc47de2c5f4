module github.com/logsift/logsift/inference

go 1.26

require gonum.org/v1/gonum v0.17.0

require (
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	golang.org/x/sys v0.48.0
)

require golang.org/x/text v0.23.0 // indirect
