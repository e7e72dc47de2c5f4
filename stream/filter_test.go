package stream

import (
	"net/url"
	"slices"
	"testing"

	"github.com/logsift/logsift/schemas"
)

func TestParseSubRequest(t *testing.T) {
	cats := schemas.CategoryNames()
	ok := func(query, header string, check func(subRequest) bool) {
		t.Helper()
		q, err := url.ParseQuery(query)
		if err != nil {
			t.Fatal(err)
		}
		req, err := parseSubRequest(q, header, cats)
		if err != nil {
			t.Errorf("%q: %v", query, err)
			return
		}
		if !check(req) {
			t.Errorf("%q: parsed as %+v", query, req)
		}
	}
	bad := func(query, header, param string) {
		t.Helper()
		q, err := url.ParseQuery(query)
		if err != nil {
			t.Fatal(err)
		}
		_, err = parseSubRequest(q, header, cats)
		pe, isParam := err.(*paramError)
		if !isParam || pe.Param != param {
			t.Errorf("%q %q: error %v, want one about %s", query, header, err, param)
		}
	}
	ok("", "", func(r subRequest) bool {
		return r.filter.minRank == -1 && r.filter.categories == nil && r.filter.services == nil && r.start == startLive
	})
	ok("severity=warning", "", func(r subRequest) bool { return r.filter.minRank == 2 })
	ok("severity=Critical", "", func(r subRequest) bool { return r.filter.minRank == 4 })
	ok("category=database,auth&category=database", "", func(r subRequest) bool {
		return slices.Equal(r.filter.categories, []string{"database", "auth"})
	})
	ok("service=api,db&service=Web", "", func(r subRequest) bool {
		return slices.Equal(r.filter.services, []string{"api", "db", "Web"})
	})
	ok("from=earliest", "", func(r subRequest) bool { return r.start == startEarliest })
	ok("from=latest", "", func(r subRequest) bool { return r.start == startLive })
	ok("from=earliest&last_event_id=p0:3", "", func(r subRequest) bool {
		return r.start == startResume && r.resume[0] == 3
	})
	ok("last_event_id=p0:3", "p0:9,p1:1", func(r subRequest) bool {
		return r.start == startResume && r.resume[0] == 9 && r.resume[1] == 1
	})
	ok("utm=x&_=123", "", func(r subRequest) bool { return r.start == startLive })

	bad("severity=loud", "", "severity")
	bad("severity=", "", "severity")
	bad("severity=info&severity=error", "", "severity")
	bad("category=nope", "", "category")
	bad("category=", "", "category")
	bad("category=auth,,network", "", "category")
	bad("service=", "", "service")
	bad("service=a%0Ab", "", "service")
	bad("service=%FF", "", "service")
	bad("from=now", "", "from")
	bad("from=earliest&from=latest", "", "from")
	bad("last_event_id=p0", "", "last_event_id")
	bad("", "p0:x", "Last-Event-ID")
	bad("last_event_id=p0:1", "garbage", "Last-Event-ID")

	// A custom schema's categories replace the taxonomy's.
	q, _ := url.ParseQuery("category=billing")
	if _, err := parseSubRequest(q, "", []string{"billing"}); err != nil {
		t.Errorf("custom category: %v", err)
	}
}

func TestFilterMatch(t *testing.T) {
	e := &entry{rank: 3, category: "database", service: "api"}
	f := func(fl filter, want bool) {
		t.Helper()
		if got := fl.match(e); got != want {
			t.Errorf("%+v: match = %v", fl, got)
		}
	}
	f(filter{minRank: -1}, true)
	f(filter{minRank: 3}, true)
	f(filter{minRank: 4}, false)
	f(filter{minRank: -1, categories: []string{"auth", "database"}}, true)
	f(filter{minRank: -1, categories: []string{"auth"}}, false)
	f(filter{minRank: -1, services: []string{"api"}}, true)
	f(filter{minRank: -1, services: []string{"Api"}}, false)
	f(filter{minRank: 1, categories: []string{"database"}, services: []string{"db"}}, false)
	// An event whose severity is outside the taxonomy passes only without a
	// severity filter.
	odd := &entry{rank: -1}
	if (&filter{minRank: 0}).match(odd) || !(&filter{minRank: -1}).match(odd) {
		t.Error("unknown severity handled wrongly")
	}
}

// FuzzParseSubRequest: no query or header makes the parser panic, and what it
// accepts is within the limits the hub relies on.
func FuzzParseSubRequest(f *testing.F) {
	f.Add("severity=warning&category=database&service=api", "")
	f.Add("category=database,auth&service=a,b,c&from=earliest", "")
	f.Add("last_event_id=p0:1,p1:2", "")
	f.Add("", "p0:124,p1:456")
	f.Add("severity=%00&service=%ff", "p0:")
	f.Fuzz(func(t *testing.T, rawQuery, header string) {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return
		}
		req, err := parseSubRequest(q, header, schemas.CategoryNames())
		if err != nil {
			if _, ok := err.(*paramError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if req.filter.minRank < -1 || req.filter.minRank >= len(schemas.Severities) {
			t.Fatalf("minRank %d", req.filter.minRank)
		}
		for _, c := range req.filter.categories {
			if !schemas.IsCategory(c) {
				t.Fatalf("category %q accepted", c)
			}
		}
		if len(req.filter.categories) > maxListItems || len(req.filter.services) > maxListItems {
			t.Fatal("list limit exceeded")
		}
		for _, s := range req.filter.services {
			if s == "" || len(s) > maxNameLen {
				t.Fatalf("service %q accepted", s)
			}
		}
		if (req.start == startResume) != (req.resume != nil) {
			t.Fatalf("start %v with resume %v", req.start, req.resume)
		}
	})
}
