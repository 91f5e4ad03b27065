package redistest_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/store/redisstore/redistest"
)

func TestStopRestartKeepsData(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
	defer rdb.Close()
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if err := rdb.Ping(ctx).Err(); err == nil {
		t.Fatal("PING answered while stopped")
	}
	srv.Restart()
	got, err := rdb.Get(ctx, "k").Result()
	if err != nil || got != "v" {
		t.Fatalf("after Restart: got %q, %v; want \"v\"", got, err)
	}
	srv.Kill()
	srv.Restart()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := srv.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestArgs(t *testing.T) {
	srv := redistest.Start(t, "--user", "reader", "on", ">pw", "~*", "&*", "+@read")
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), Username: "reader", Password: "pw"})
	defer rdb.Close()
	if err := rdb.Get(ctx, "k").Err(); err != redis.Nil {
		t.Fatalf("GET as reader: %v, want redis.Nil", err)
	}
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err == nil {
		t.Fatal("SET as reader succeeded")
	}
}
