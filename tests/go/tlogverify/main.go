// tlogverify checks a kapka transparency log with Go's own implementations of the formats:
// golang.org/x/mod/sumdb/note for the signed checkpoint and golang.org/x/mod/sumdb/tlog
// for the Merkle tree (RFC 6962), reading the C2SP tiles through tlog.TileHashReader. It is
// built offline from the Debian package golang-golang-x-mod-dev (GOPATH=/usr/share/gocode,
// GO111MODULE=off) by tests/e2e/transparency.test.mjs.
//
//	tlogverify BASE_URL VKEY OLD_SIZE OLD_ROOT_B64 [PROOF_FILE...]
//
// It verifies the latest checkpoint's signature, every entry bundle against the level-0
// tiles, every leaf's inclusion (proved from tiles) and kapka's JSON inclusion proofs, the
// consistency of the tree with the older checkpoint (from tiles, and kapka's JSON proof),
// and each tlog-proof file offline. Prints OK, or the first problem and exits 1.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var base string

func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func get(path string) []byte {
	resp, err := http.Get(base + path)
	if err != nil {
		fail("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		fail("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return body
}

// tileIndex writes n as C2SP does: x001/x234/067.
func tileIndex(n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n /= 1000; n > 0; n /= 1000 {
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	return s
}

func tilePath(t tlog.Tile) string {
	p := "/log/tile/"
	if t.L == -1 {
		p += "entries/"
	} else {
		p += strconv.Itoa(t.L) + "/"
	}
	p += tileIndex(t.N)
	if t.W < 1<<t.H {
		p += fmt.Sprintf(".p/%d", t.W)
	}
	return p
}

type tiles struct{}

func (tiles) Height() int { return 8 }
func (tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, t := range ts {
		out[i] = get(tilePath(t))
	}
	return out, nil
}
func (tiles) SaveTiles([]tlog.Tile, [][]byte) {}

// checkpoint parses the C2SP checkpoint body: origin, size, root.
func checkpoint(text string) (string, tlog.Tree) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		fail("checkpoint %q has fewer than three lines", text)
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size %q: %v", lines[1], err)
	}
	h, err := tlog.ParseHash(lines[2])
	if err != nil {
		fail("checkpoint root %q: %v", lines[2], err)
	}
	return lines[0], tlog.Tree{N: n, Hash: h}
}

func hashes(list []string) []tlog.Hash {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		h, err := tlog.ParseHash(s)
		if err != nil {
			fail("proof hash %q: %v", s, err)
		}
		out[i] = h
	}
	return out
}

// proofFile checks a c2sp.org/tlog-proof@v1 file offline.
func proofFile(path string, v note.Verifier) {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	parts := strings.SplitN(string(data), "\n\n", 2)
	if len(parts) != 2 {
		fail("%s: no blank line before the checkpoint", path)
	}
	head := strings.Split(parts[0], "\n")
	if head[0] != "c2sp.org/tlog-proof@v1" || !strings.HasPrefix(head[1], "extra ") || !strings.HasPrefix(head[2], "index ") {
		fail("%s: not a tlog-proof with an entry", path)
	}
	entry, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(head[1], "extra "))
	if err != nil {
		fail("%s: extra: %v", path, err)
	}
	index, _ := strconv.ParseInt(strings.TrimPrefix(head[2], "index "), 10, 64)
	n, err := note.Open([]byte(parts[1]), note.VerifierList(v))
	if err != nil {
		fail("%s: checkpoint: %v", path, err)
	}
	_, tree := checkpoint(n.Text)
	if err := tlog.CheckRecord(hashes(head[3:]), tree.N, tree.Hash, index, tlog.RecordHash(entry)); err != nil {
		fail("%s: inclusion: %v", path, err)
	}
}

func main() {
	if len(os.Args) < 5 {
		fmt.Println("usage: tlogverify BASE_URL VKEY OLD_SIZE OLD_ROOT_B64 [PROOF_FILE...]")
		os.Exit(2)
	}
	base = strings.TrimRight(os.Args[1], "/")
	v, err := note.NewVerifier(os.Args[2])
	if err != nil {
		fail("vkey: %v", err)
	}
	oldSize, _ := strconv.ParseInt(os.Args[3], 10, 64)
	oldRoot, err := tlog.ParseHash(os.Args[4])
	if err != nil {
		fail("old root: %v", err)
	}

	n, err := note.Open(get("/log/checkpoint"), note.VerifierList(v))
	if err != nil {
		fail("the checkpoint does not verify: %v", err)
	}
	origin, tree := checkpoint(n.Text)
	if origin != v.Name() {
		fail("origin %q is not the key's name %q", origin, v.Name())
	}
	hr := tlog.TileHashReader(tree, tiles{})

	// every entry, hashed, is the leaf the tiles hold, and is proved included
	for start := int64(0); start < tree.N; start += 256 {
		w := tree.N - start
		if w > 256 {
			w = 256
		}
		bundle := get(tilePath(tlog.Tile{H: 8, L: -1, N: start / 256, W: int(w)}))
		for i := int64(0); i < w; i++ {
			if len(bundle) < 2 {
				fail("bundle %d is short", start/256)
			}
			l := int(bundle[0])<<8 | int(bundle[1])
			entry := bundle[2 : 2+l]
			bundle = bundle[2+l:]
			idx := start + i
			stored, err := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, idx)})
			if err != nil {
				fail("leaf %d from tiles: %v", idx, err)
			}
			if stored[0] != tlog.RecordHash(entry) {
				fail("entry %d does not hash to its tile's leaf", idx)
			}
			p, err := tlog.ProveRecord(tree.N, idx, hr)
			if err != nil {
				fail("prove %d: %v", idx, err)
			}
			if err := tlog.CheckRecord(p, tree.N, tree.Hash, idx, stored[0]); err != nil {
				fail("leaf %d: %v", idx, err)
			}
			var api struct {
				Proof    []string `json:"proof"`
				LeafHash string   `json:"leaf_hash"`
			}
			if err := json.Unmarshal(get(fmt.Sprintf("/api/v1/transparency/proofs/inclusion?index=%d&size=%d", idx, tree.N)), &api); err != nil {
				fail("inclusion %d: %v", idx, err)
			}
			if err := tlog.CheckRecord(hashes(api.Proof), tree.N, tree.Hash, idx, tlog.RecordHash(entry)); err != nil {
				fail("kapka's inclusion proof of %d: %v", idx, err)
			}
		}
		if len(bundle) != 0 {
			fail("bundle %d has trailing bytes", start/256)
		}
	}

	// the older checkpoint is a prefix of this one
	if oldSize > 0 {
		p, err := tlog.ProveTree(tree.N, oldSize, hr)
		if err != nil {
			fail("prove tree: %v", err)
		}
		if err := tlog.CheckTree(p, tree.N, tree.Hash, oldSize, oldRoot); err != nil {
			fail("consistency from tiles: %v", err)
		}
		var api struct {
			Proof []string `json:"proof"`
		}
		if err := json.Unmarshal(get(fmt.Sprintf("/api/v1/transparency/proofs/consistency?from=%d&to=%d", oldSize, tree.N)), &api); err != nil {
			fail("consistency: %v", err)
		}
		if err := tlog.CheckTree(hashes(api.Proof), tree.N, tree.Hash, oldSize, oldRoot); err != nil {
			fail("kapka's consistency proof: %v", err)
		}
		// and a forged older root is refused
		bad := oldRoot
		bad[0] ^= 1
		if tlog.CheckTree(hashes(api.Proof), tree.N, tree.Hash, oldSize, bad) == nil {
			fail("a forged older root was accepted")
		}
	}
	for _, f := range os.Args[5:] {
		proofFile(f, v)
	}
	// a checkpoint with one byte changed must not verify
	forged := bytes.Replace(get("/log/checkpoint"), []byte("\n"), []byte(" \n"), 1)
	if _, err := note.Open(forged, note.VerifierList(v)); err == nil {
		fail("a changed checkpoint verified")
	}
	fmt.Printf("OK %s: %d leaves, root %s\n", origin, tree.N, tree.Hash)
}
