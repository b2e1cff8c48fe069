// Channel throughput in Go, the same transfer as channels.lisp: N integers
// (default 10^6) from one goroutine to another, unbuffered and with a
// buffer of 100. Prints the milliseconds of each transfer.
// Usage: go run channels.go [N]
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func transfer(capacity int, n int64) time.Duration {
	start := time.Now()
	ch := make(chan int64, capacity)
	go func() {
		for i := int64(0); i < n; i++ {
			ch <- i
		}
		close(ch)
	}()
	var sum int64
	for v := range ch {
		sum += v
	}
	if sum != n*(n-1)/2 {
		panic("messages lost or duplicated")
	}
	return time.Since(start)
}

func main() {
	n := int64(1000000)
	if len(os.Args) > 1 {
		if v, err := strconv.ParseInt(os.Args[1], 10, 64); err == nil {
			n = v
		}
	}
	fmt.Println("unbuffered-ms", transfer(0, n).Milliseconds())
	fmt.Println("buffered-100-ms", transfer(100, n).Milliseconds())
}
