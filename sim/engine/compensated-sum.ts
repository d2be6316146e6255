/**
 * sum[i] += x with Kahan compensation carried in carry[i]: a simulated day adds billions of small terms
 * to one sum, and plain addition would lose the last digits of each.
 */
export function addCompensated(sum: Float64Array, carry: Float64Array, i: number, x: number): void {
  const y = x - carry[i];
  const s = sum[i] + y;
  carry[i] = s - sum[i] - y;
  sum[i] = s;
}
