// semver.js — the version arithmetic of share-scope negotiation, with
// node-semver's semantics (DESIGN.md section 4; federation-protocol.md 7).
//
// Only version *strings* travel between containers, so this is all a
// container needs: parse a version, order two versions, and test a version
// against a range.  Ranges support what package.json authors write:
// comparators (< <= > >= =), caret and tilde (with the ^0.x and ^0.0.x
// rules), x-ranges (1, 1.x, 1.2.*, *, ""), hyphen ranges (a - b),
// space-separated AND and `||`.  Prereleases follow node-semver: a
// prerelease version satisfies a range only if one of the range's
// comparators names a prerelease of the same major.minor.patch.  Build
// metadata is ignored.  Invalid input never throws: an unparsable version
// satisfies nothing, an unparsable range is satisfied by nothing.
//
// The file is plain function declarations so the runtime can include it
// textually; tests load it with vm and read the functions.

// "1.2.3-beta.1+build" -> [1, 2, 3, ["beta", 1]] or null.
function semverParse(v) {
  var m = /^\s*[v=]*\s*(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$/.exec(String(v));
  if (!m) return null;
  var pre = m[4] ? m[4].split('.').map(function (p) { return /^\d+$/.test(p) ? +p : p; }) : [];
  return [+m[1], +m[2], +m[3], pre];
}

// -1, 0, 1 for parsed versions a and b (prereleases sort before releases).
function semverCmpParsed(a, b) {
  for (var i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  var pa = a[3], pb = b[3];
  if (!pa.length || !pb.length) return pa.length === pb.length ? 0 : pa.length ? -1 : 1;
  for (var j = 0; j < Math.max(pa.length, pb.length); j++) {
    if (j >= pa.length) return -1;
    if (j >= pb.length) return 1;
    var x = pa[j], y = pb[j];
    if (x === y) continue;
    var nx = typeof x === 'number', ny = typeof y === 'number';
    // numeric identifiers sort first
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

// Orders two version strings; unparsable ones sort lowest.
function semverCompare(a, b) {
  var pa = semverParse(a), pb = semverParse(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return semverCmpParsed(pa, pb);
}

// One partial version of a range: "1", "1.x", "1.2.*", "1.2.3-beta".
function semverPartial(s) {
  var m = /^[v=]*(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(s);
  if (!m) return null;
  var parts = [m[1], m[2], m[3]];
  // how many leading numeric parts were given
  var n = 0;
  while (n < 3 && parts[n] !== undefined && /^\d+$/.test(parts[n])) n++;
  var nums = [0, 0, 0];
  for (var i = 0; i < n; i++) nums[i] = +parts[i];
  var pre = n === 3 && m[4] ? m[4].split('.').map(function (p) { return /^\d+$/.test(p) ? +p : p; }) : [];
  return { n: n, v: [nums[0], nums[1], nums[2], pre] };
}

// A comparator is [op, parsedVersion]; a comparator set is an AND list.
function semverComparators(op, p) {
  var v = p.v, n = p.n, M = v[0], m = v[1], pa = v[2];
  var lo = function (a, b, c, pre) { return ['>=', [a, b, c, pre || []]]; };
  // "-0": below every prerelease
  var hi = function (a, b, c) { return ['<', [a, b, c, [0]]]; };
  if (n === 0) return op === '<' || op === '>' ? [['<', [0, 0, 0, [0]]]] : [];
  switch (op) {
  case '^':
    if (n === 1) return [lo(M, 0, 0), hi(M + 1, 0, 0)];
    if (n === 2) return M > 0 ? [lo(M, m, 0), hi(M + 1, 0, 0)] : [lo(M, m, 0), hi(0, m + 1, 0)];
    if (M > 0) return [lo(M, m, pa, v[3]), hi(M + 1, 0, 0)];
    if (m > 0) return [lo(M, m, pa, v[3]), hi(0, m + 1, 0)];
    return [lo(M, m, pa, v[3]), hi(0, 0, pa + 1)];
  case '~':
    if (n === 1) return [lo(M, 0, 0), hi(M + 1, 0, 0)];
    return [lo(M, m, n === 3 ? pa : 0, v[3]), hi(M, m + 1, 0)];
  case '':
  case '=':
    if (n === 3) return [['=', v]];
    return n === 1 ? [lo(M, 0, 0), hi(M + 1, 0, 0)] : [lo(M, m, 0), hi(M, m + 1, 0)];
  case '>':
    if (n === 3) return [['>', v]];
    return n === 1 ? [lo(M + 1, 0, 0)] : [lo(M, m + 1, 0)];
  case '>=':
    return [lo(M, m, pa, v[3])];
  case '<':
    return [['<', n === 3 ? v : [M, m, pa, [0]]]];
  case '<=':
    if (n === 3) return [['<=', v]];
    return n === 1 ? [hi(M + 1, 0, 0)] : [hi(M, m + 1, 0)];
  }
  return null;
}

// "^1.2.0 || >=2 <3" -> [[comparator...], ...] or null when invalid.
function semverParseRange(range) {
  var sets = String(range).split('||');
  var out = [];
  for (var i = 0; i < sets.length; i++) {
    var s = sets[i].trim();
    var hy = /^(\S+)\s+-\s+(\S+)$/.exec(s);
    if (hy) {
      var a = semverPartial(hy[1]), b = semverPartial(hy[2]);
      if (!a || !b) return null;
      var set = semverComparators('>=', a);
      // "1.2.3 - 2.3" includes all of 2.3.x; "- 2.3.4" includes 2.3.4
      var upper = b.n === 3 ? [['<=', b.v]] : semverComparators('<=', b);
      out.push(set.concat(upper));
      continue;
    }
    // operators may be followed by spaces: ">= 1.0.0"
    var tokens = s.replace(/(<=|>=|<|>|=|\^|~>|~)\s+/g, '$1').split(/\s+/).filter(Boolean);
    var cs = [];
    for (var k = 0; k < tokens.length; k++) {
      var t = /^(<=|>=|<|>|=|\^|~>|~)?(.*)$/.exec(tokens[k]);
      var p = semverPartial(t[2]);
      if (!p) return null;
      var c = semverComparators(t[1] === '~>' ? '~' : t[1] || '', p);
      if (!c) return null;
      cs = cs.concat(c);
    }
    out.push(cs);
  }
  return out;
}

function semverTest(op, v, c) {
  var r = semverCmpParsed(v, c);
  return op === '=' ? r === 0 : op === '<' ? r < 0 : op === '<=' ? r <= 0 : op === '>' ? r > 0 : r >= 0;
}

// node-semver's satisfies(version, range).
function semverSatisfies(version, range) {
  var v = semverParse(version);
  if (!v) return false;
  var sets = semverParseRange(range);
  if (!sets) return false;
  for (var i = 0; i < sets.length; i++) {
    var set = sets[i], ok = true;
    for (var j = 0; j < set.length && ok; j++) ok = semverTest(set[j][0], v, set[j][1]);
    if (!ok) continue;
    if (!v[3].length) return true;
    // A prerelease only matches a comparator that names a prerelease of the
    // same [major, minor, patch].
    for (var k = 0; k < set.length; k++) {
      var c = set[k][1];
      if (c[3].length && !(c[3].length === 1 && c[3][0] === 0 && set[k][0] === '<') &&
          c[0] === v[0] && c[1] === v[1] && c[2] === v[2]) return true;
    }
  }
  return false;
}
