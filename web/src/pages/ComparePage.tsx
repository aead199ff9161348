/** Placeholder until part 2 fills it in (issue 16). */
export function ComparePage() {
  return <section data-testid="page-pending">Coming in part 2.</section>;
}
