package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/spec"
)

// key returns the Redis key {NS}:name. The braces are Redis Cluster's
// hash tag: every key of a namespace lives in one slot, so that the
// write script, which touches the state, the audit stream and the
// exposure counts together, runs on a cluster too.
func (s *Store) key(name string) string { return "{" + s.ns + "}:" + name }

// schemaFlag is what {NS}:schema:HASH records of one flag of a running
// code: what a document must keep for the code to serve it.
type schemaFlag struct {
	Key      string   `json:"key"`
	Bool     bool     `json:"bool"`
	Variants []string `json:"variants"`
}

// schemaTTL is how long a registered schema outlives the last heartbeat
// that names it.
const schemaTTL = 24 * time.Hour

// RegisterSchema records the flags and variants the running code
// declares ({NS}:schema:HASH, shared by every instance of one build) and
// returns HASH, the SHA-256 in hex of what it records, for
// [Instance.Schema]: a push is then checked against the code of every
// instance whose heartbeat names it. The record expires a day after the
// last heartbeat that names it, so the schemas of builds no longer
// running do not pile up.
func (s *Store) RegisterSchema(ctx context.Context, schema *flagmeta.Schema) (hash string, err error) {
	flags := make([]schemaFlag, len(schema.Flags))
	for i, f := range schema.Flags {
		flags[i] = schemaFlag{Key: f.Key, Bool: f.Bool, Variants: f.Variants}
	}
	data, err := json.Marshal(flags)
	if err != nil {
		return "", err
	}
	hash = docHash(data)
	if err := s.rdb.Set(ctx, s.key("schema:"+hash), data, schemaTTL).Err(); err != nil {
		return "", s.wrap(err)
	}
	return hash, nil
}

// Heartbeat records what instance inst serves ({NS}:instance:ID), for ttl:
// an instance that stops heartbeating drops out of [Store.Instances] when
// its last heartbeat expires (a ttl of 0 keeps it until the next
// heartbeat or forever: pass a few heartbeat intervals). It also keeps
// the schema inst.Schema names from expiring. inst.Seen is set to now;
// inst.ID must not be empty.
func (s *Store) Heartbeat(ctx context.Context, inst Instance, ttl time.Duration) error {
	_, err := s.heartbeat(ctx, inst, ttl)
	return err
}

// heartbeat is [Store.Heartbeat], and reports whether the schema
// inst.Schema names is in the store: a Redis that lost its data (a
// restart without persistence, a flush, a failover) lost it too, and a
// push is then not checked against inst's code until it is registered
// again.
func (s *Store) heartbeat(ctx context.Context, inst Instance, ttl time.Duration) (schemaKept bool, err error) {
	if inst.ID == "" {
		return false, errors.New("redisstore: heartbeat of an instance with no ID")
	}
	inst.Seen = s.now().UTC()
	data, err := json.Marshal(inst)
	if err != nil {
		return false, err
	}
	var kept *redis.BoolCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.key("instance:"+inst.ID), data, ttl)
		if inst.Schema != "" {
			kept = p.Expire(ctx, s.key("schema:"+inst.Schema), schemaTTL)
		}
		return nil
	})
	if err != nil {
		return false, s.wrap(err)
	}
	return kept != nil && kept.Val(), nil
}

// Instances returns the instances whose heartbeat has not expired, by ID.
func (s *Store) Instances(ctx context.Context) ([]Instance, error) {
	var keys []string
	iter := s.rdb.Scan(ctx, 0, s.key("instance:*"), 100).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return nil, s.wrap(err)
	}
	if len(keys) == 0 {
		return nil, nil
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, s.wrap(err)
	}
	out := make([]Instance, 0, len(vals))
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue // expired between SCAN and MGET
		}
		var inst Instance
		if err := json.Unmarshal([]byte(str), &inst); err != nil {
			return nil, fmt.Errorf("redis %s: heartbeat %s is not JSON (%v); flaggen did not write it: delete the key (DEL %s), and a running instance writes it again", s, keys[i], err, keys[i])
		}
		out = append(out, inst)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// checkInstances returns an ErrIncompatible error naming each flag of f
// that the code of a running instance cannot serve: a flag of another
// kind, or another set of variants (their order may differ: code numbers
// variants by name), as runtime.Set.CompileFile judges it. An instance
// whose schema is not in the store is not checked.
func (s *Store) checkInstances(ctx context.Context, f *spec.File) error {
	insts, err := s.Instances(ctx)
	if err != nil {
		return err
	}
	byHash := make(map[string][]Instance)
	var hashes []string
	for _, inst := range insts {
		if inst.Schema == "" {
			continue
		}
		if _, ok := byHash[inst.Schema]; !ok {
			hashes = append(hashes, inst.Schema)
		}
		byHash[inst.Schema] = append(byHash[inst.Schema], inst)
	}
	var problems []string
	for _, h := range hashes {
		data, err := s.rdb.Get(ctx, s.key("schema:"+h)).Bytes()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return s.wrap(err)
		}
		var flags []schemaFlag
		if err := json.Unmarshal(data, &flags); err != nil {
			return fmt.Errorf("redis %s: schema %s is not JSON (%v); flaggen did not write it: delete the key (DEL %s), and the instances that name it register it again", s, s.key("schema:"+h), err, s.key("schema:"+h))
		}
		code := make(map[string]schemaFlag, len(flags))
		for _, sf := range flags {
			code[sf.Key] = sf
		}
		who := instanceNames(byHash[h])
		for _, fl := range f.Flags {
			sf, ok := code[fl.Key]
			if !ok {
				continue
			}
			if why := servable(sf, fl); why != "" {
				problems = append(problems, fmt.Sprintf("%s: %s, but the code of %s %s", fl.Pos, why, who, codeDecl(sf)))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w:\n%s\ndeploy code that declares the new flags first, or keep their kind and variants", ErrIncompatible, strings.Join(problems, "\n"))
	}
	return nil
}

// servable says how fl differs from what the code declares, or "".
func servable(code schemaFlag, fl *spec.Flag) string {
	if code.Bool != fl.Bool {
		return fmt.Sprintf("flag %q is %s", fl.Key, kindOf(fl.Bool))
	}
	same := len(code.Variants) == len(fl.Variants)
	for _, v := range fl.Variants {
		same = same && slices.Contains(code.Variants, v.Name)
	}
	if !same {
		return fmt.Sprintf("flag %q has variants %s", fl.Key, variantNames(fl))
	}
	return ""
}

func codeDecl(code schemaFlag) string {
	if code.Bool {
		return "declares it boolean"
	}
	return "declares variants " + strings.Join(code.Variants, ", ")
}

func kindOf(b bool) string {
	if b {
		return "boolean"
	}
	return "multi-variant"
}

// instanceNames names instances in an error: the first three, and how
// many more.
func instanceNames(insts []Instance) string {
	var names []string
	for i, inst := range insts {
		if i == 3 {
			names = append(names, fmt.Sprintf("%d more", len(insts)-3))
			break
		}
		names = append(names, fmt.Sprintf("instance %s", inst.ID))
	}
	return strings.Join(names, ", ")
}
