export function MapArea() {
  return (
    <section className="map-area" data-testid="map-area" aria-label="Atlas map">
      <p className="placeholder">The atlas map appears here.</p>
    </section>
  );
}
