package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/flaggen/flaggen/analyzer"
)

func main() {
	unitchecker.Main(analyzer.Analyzer)
}
