/**
 * Rendering a Vega-Lite chart to SVG or PNG for `h5traj plot`. Vega-Lite compiles the chart to
 * Vega, Vega draws it as SVG without a canvas, and resvg (a Rust renderer shipped prebuilt in npm
 * packages) turns the SVG into PNG. The three are loaded only here, on first use: they take
 * ~0.7 s to load, which no other command should pay.
 */
import type { TopLevelSpec } from 'vega-lite';

/** The SVG text of a Vega-Lite chart. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A PNG of an SVG at twice its size (sharp on high-density screens), with the system's fonts. */
export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  // Vega asks for `sans-serif`, which resvg maps to Arial; where Arial is missing (most Linux
  // machines) the default family stands in, and DejaVu Sans is the common one there.
  const font = { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' };
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font }).render().asPng();
}
