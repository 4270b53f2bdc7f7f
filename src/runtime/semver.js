// semver.js — the version arithmetic of share-scope negotiation, with
// node-semver's semantics (DESIGN.md section 4; federation-protocol.md 7).
//
// Only version *strings* travel between containers; the ranges the runtime
// tests are its own requiredVersions, which the build compiles (src/semver.c,
// as webpack does) into comparator sets: [[">=1.2.0", "<2.0.0-0"], ...], the
// `||` alternatives of space-separated ANDs of plain comparators
// (docs/output-format.md 4.2, `range`). So this is all a container needs:
// parse a version, order two versions, and test a version against such a
// set list. Prereleases follow node-semver: a prerelease version satisfies a
// range only if one of the matching set's comparators names a prerelease of
// the same major.minor.patch. Build metadata is ignored. Invalid input never
// throws: an unparsable version satisfies nothing, and neither does [] (what
// the build writes for an unparsable range).
//
// The file is plain function declarations so the runtime can include it
// textually; tests load it with vm and read the functions.

// "1.2.3-beta.1+build" -> [1, 2, 3, ["beta", 1]] or null.
function semverParse(v) {
  var m = /^\s*[v=]*\s*(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$/.exec(String(v));
  return m && [+m[1], +m[2], +m[3], m[4] ? m[4].split('.').map((p) => /^\d+$/.test(p) ? +p : p) : []];
}

// -1, 0, 1 for parsed versions a and b: a release sorts after its
// prereleases, which compare identifier by identifier (numbers before
// strings, a prefix before the longer list).
function semverCmpParsed(a, b) {
  var pa = a[3], pb = b[3], i, x, y;
  for (i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  if (!pa.length != !pb.length) return pa.length ? -1 : 1;
  for (i = 0; i < pa.length || i < pb.length; i++) {
    x = pa[i], y = pb[i];
    if (x !== y) {
      return x === undefined ? -1 : y === undefined ? 1
        : (typeof x == 'number') != (typeof y == 'number') ? typeof x == 'number' ? -1 : 1 : x < y ? -1 : 1;
    }
  }
  return 0;
}

// Orders two version strings; unparsable ones sort lowest.
function semverCompare(a, b) {
  var pa = semverParse(a), pb = semverParse(b);
  return pa && pb ? semverCmpParsed(pa, pb) : pa ? 1 : pb ? -1 : 0;
}

// node-semver's satisfies(version, range), `sets` being the compiled range.
function semverSatisfies(version, sets) {
  var v = semverParse(version);
  return !!v && sets.some((set) => {
    // [op, parsed version] per comparator: "<2.0.0-0" -> ["<", [2, 0, 0, [0]]].
    var cs = set.map((c) => (c = /^([<>]?=?)(.*)$/.exec(c), [c[1] || '=', semverParse(c[2])]));
    return cs.every((c) => {
      var r = c[1] ? semverCmpParsed(v, c[1]) : NaN;
      return c[0] == '=' ? r === 0 : c[0] == '<' ? r < 0 : c[0] == '<=' ? r <= 0 : c[0] == '>' ? r > 0 : r >= 0;
    }) && (!v[3].length || cs.some((c) => {
      // "<x.y.z-0" (below every prerelease of x.y.z) does not count.
      var w = c[1];
      return w[3].length && !(c[0] == '<' && w[3].length == 1 && w[3][0] === 0) &&
        w[0] === v[0] && w[1] === v[1] && w[2] === v[2];
    }));
  });
}
