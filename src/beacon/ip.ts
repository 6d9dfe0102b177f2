/**
 * Truncated client addresses, for the policy option `ip.truncate` (off by default): IPv4 to its
 * /24 (`203.0.113.77` → `203.0.113.0`), IPv6 to its /48 (`2001:db8:85a3:8d3::1` → `2001:db8:85a3::`).
 * Anything that does not parse gives null, and nothing is sent. Pure.
 */

function truncateV4(ip: string): string | null {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return `${parts.slice(0, 3).map(Number).join(".")}.0`;
}

function truncateV6(ip: string): string | null {
  if (!/^[0-9a-f:.]+$/i.test(ip) || ip.split("::").length > 2) return null;
  const [head = "", tail] = ip.split("::");
  const groups = (s: string) => (s ? s.split(":") : []);
  let left = groups(head);
  let right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (::ffff:192.0.2.1) counts as two groups.
  const last = (tail === undefined ? left : right).at(-1);
  if (last?.includes(".")) {
    if (truncateV4(last) === null) return null;
    if (tail === undefined) left = [...left.slice(0, -1), "0", "0"];
    else right = [...right.slice(0, -1), "0", "0"];
  }
  const all = [...left, ...right];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  if (tail === undefined ? all.length !== 8 : all.length > 7) return null;
  const full = [...left, ...Array(8 - all.length).fill("0"), ...right];
  return `${full
    .slice(0, 3)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::`;
}

export function truncateIp(ip: string | null): string | null {
  const value = ip?.trim() ?? "";
  if (!value) return null;
  return value.includes(":") ? truncateV6(value) : truncateV4(value);
}
