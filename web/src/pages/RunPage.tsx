/** Placeholder until part 2 fills it in (issue 16). */
export function RunPage() {
  return <section data-testid="page-pending">Coming in part 2.</section>;
}
