/**
 * Region geography as data: where every region of the commercial `aws` partition is, which of them
 * hold CloudFront's regional edge caches (where origin-request functions run), and the measured
 * round-trip times between regions. Pure data, no logic: `region-geography.ts` reads it. Sources
 * and dates: docs/geography.md. `test/unit/region-geography.test.ts` checks it against the AWS
 * SDK's partition data, so a new region shows up as a failing test when the SDK is upgraded.
 */
/** A point on the globe in decimal degrees. */
export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

/**
 * The regions with a CloudFront regional edge cache: where Lambda@Edge origin-request (and
 * origin-response) functions run, with `AWS_REGION` set to the region. Thirteen, per AWS's "Points
 * of presence" page and the CloudFront key-features page (the region code of each cache's metro
 * area); see docs/geography.md.
 */
export const REGIONAL_EDGE_CACHE_REGIONS = [
  'us-east-1', // N. Virginia
  'us-east-2', // Ohio
  'us-west-1', // N. California
  'us-west-2', // Oregon
  'sa-east-1', // Sao Paulo
  'eu-west-1', // Dublin
  'eu-west-2', // London
  'eu-central-1', // Frankfurt
  'ap-south-1', // Mumbai
  'ap-southeast-1', // Singapore
  'ap-southeast-2', // Sydney
  'ap-northeast-1', // Tokyo
  'ap-northeast-2', // Seoul
] as const;

/**
 * Approximate location (the metro area the region is named after) of every region of the
 * commercial `aws` partition. Precision of ~50 km is plenty: replicas in different regions are
 * hundreds of kilometres apart, and latency follows distance only roughly anyway. Used where no
 * round trip was measured (the fibre model below).
 */
export const REGION_LOCATIONS: Readonly<Record<string, GeoPoint>> = {
  'us-east-1': { lat: 39.04, lon: -77.49 }, // N. Virginia (Ashburn)
  'us-east-2': { lat: 39.96, lon: -83.0 }, // Ohio (Columbus)
  'us-west-1': { lat: 37.34, lon: -121.89 }, // N. California (San Jose)
  'us-west-2': { lat: 45.84, lon: -119.7 }, // Oregon (Boardman)
  'ca-central-1': { lat: 45.5, lon: -73.57 }, // Montreal
  'ca-west-1': { lat: 51.05, lon: -114.07 }, // Calgary
  'mx-central-1': { lat: 20.59, lon: -100.39 }, // Querétaro
  'sa-east-1': { lat: -23.55, lon: -46.63 }, // São Paulo
  'sa-west-1': { lat: -33.45, lon: -70.67 }, // Santiago
  'eu-west-1': { lat: 53.35, lon: -6.26 }, // Dublin
  'eu-west-2': { lat: 51.51, lon: -0.13 }, // London
  'eu-west-3': { lat: 48.86, lon: 2.35 }, // Paris
  'eu-central-1': { lat: 50.11, lon: 8.68 }, // Frankfurt
  'eu-central-2': { lat: 47.38, lon: 8.54 }, // Zurich
  'eu-south-1': { lat: 45.46, lon: 9.19 }, // Milan
  'eu-south-2': { lat: 41.65, lon: -0.89 }, // Aragón (Zaragoza)
  'eu-north-1': { lat: 59.33, lon: 18.07 }, // Stockholm
  'il-central-1': { lat: 32.09, lon: 34.78 }, // Tel Aviv
  'me-south-1': { lat: 26.23, lon: 50.59 }, // Bahrain (Manama)
  'me-central-1': { lat: 25.2, lon: 55.27 }, // UAE (Dubai)
  'me-west-1': { lat: 24.71, lon: 46.68 }, // Saudi Arabia (Riyadh)
  'af-south-1': { lat: -33.92, lon: 18.42 }, // Cape Town
  'ap-south-1': { lat: 19.08, lon: 72.88 }, // Mumbai
  'ap-south-2': { lat: 17.39, lon: 78.49 }, // Hyderabad
  'ap-southeast-1': { lat: 1.35, lon: 103.82 }, // Singapore
  'ap-southeast-2': { lat: -33.87, lon: 151.21 }, // Sydney
  'ap-southeast-3': { lat: -6.21, lon: 106.85 }, // Jakarta
  'ap-southeast-4': { lat: -37.81, lon: 144.96 }, // Melbourne
  'ap-southeast-5': { lat: 3.14, lon: 101.69 }, // Malaysia (Kuala Lumpur)
  'ap-southeast-6': { lat: -36.85, lon: 174.76 }, // New Zealand (Auckland)
  'ap-southeast-7': { lat: 13.76, lon: 100.5 }, // Thailand (Bangkok)
  'ap-east-1': { lat: 22.32, lon: 114.17 }, // Hong Kong
  'ap-east-2': { lat: 25.03, lon: 121.56 }, // Taipei
  'ap-northeast-1': { lat: 35.68, lon: 139.69 }, // Tokyo
  'ap-northeast-2': { lat: 37.57, lon: 126.98 }, // Seoul
  'ap-northeast-3': { lat: 34.69, lon: 135.5 }, // Osaka
};

/**
 * Measured round-trip times in ms, `ms[from][to]`, row and column order of `regions`: the median
 * (p50) over one year of CloudPing's TCP-connect measurements from a Lambda function in `from` to
 * the AWS service endpoint in `to`, captured on 2025-05-29. A TCP connect is one round trip, and a
 * function in an edge region connecting to a DynamoDB endpoint in a replica region is exactly what
 * the router does. Directed (the two directions differ by a few ms); the diagonal is a connect
 * within the region. Rounded to 0.1 ms.
 */
export const MEASURED_RTT = {
  source: 'cloudping.co p_50, timeframe 1Y (TCP connect from a Lambda function to the service endpoint)',
  capturedOn: '2025-05-29',
  regions: [
    'af-south-1',
    'ap-east-1',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'mx-central-1',
    'sa-east-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  ms: [
    // from af-south-1
    [
      4.5, 350.2, 356.4, 386, 370.1, 270.7, 299.7, 315.8, 409.2, 349.3, 419.8, 340.3, 360.5, 222.9, 289.9,
      154.5, 151.8, 174.5, 185.6, 134.8, 158.1, 149.2, 144.6, 226.4, 286.5, 246, 280, 337.1, 225.8, 236.1,
      286.1, 273.2,
    ],
    // from ap-east-1
    [
      359.2, 2.7, 51.7, 39, 46.4, 98.5, 82.9, 37.6, 128.2, 52.1, 139.2, 43.5, 63, 197.6, 161, 194.2, 188.1,
      213.6, 184.5, 206.6, 233.9, 207.5, 201.5, 235.8, 125.7, 131.1, 212.8, 310.3, 197.6, 184.6, 155.6, 145.6,
    ],
    // from ap-northeast-1
    [
      358.3, 52, 2.5, 36.2, 10, 134.2, 119.6, 70.5, 107.4, 85.1, 126.8, 75.4, 97.2, 144.7, 111.5, 227.6,
      221.7, 247.3, 218.1, 240.3, 201.1, 211.9, 218, 269.7, 168.7, 173.2, 166.2, 257.4, 149.2, 134.5, 108.6,
      98.5,
    ],
    // from ap-northeast-2
    [
      387.4, 38.9, 36.2, 3.8, 25.1, 134.6, 120.2, 73.8, 144.9, 87.8, 154.8, 78, 98, 175.1, 137.9, 231.9,
      224.3, 250.5, 222.2, 242.3, 232.4, 243, 248.9, 271.9, 165.6, 165.9, 194.6, 288.4, 178.7, 164.7, 133.6,
      123.5,
    ],
    // from ap-northeast-3
    [
      370, 46, 9.7, 24.9, 2.1, 137.5, 123.2, 76.6, 120.2, 91.2, 131.1, 81.2, 100.8, 150.4, 115.6, 234.2, 228,
      253.3, 224.7, 242.8, 206.9, 217.7, 223.8, 276, 162.5, 169.8, 170.5, 263.1, 153.1, 139.8, 109.8, 99.8,
    ],
    // from ap-south-1
    [
      272.9, 96.5, 133.3, 133.8, 137, 3, 27.2, 63.4, 154.3, 78.6, 164.9, 69.2, 89.3, 191.4, 239.9, 128.8,
      114.8, 148.1, 109.5, 111.2, 125.5, 117.2, 108.8, 135.2, 29.4, 38, 243.3, 301.2, 189.7, 199.8, 231.1,
      221.5,
    ],
    // from ap-south-2
    [
      295, 80.1, 115.4, 116.1, 118.9, 23.6, 8.2, 46.3, 138.3, 60.2, 147.2, 50.8, 71.5, 206.2, 222.1, 144.7,
      129.8, 164.3, 125.9, 128.8, 140.2, 132.5, 123.1, 151.5, 45.2, 54.6, 270.5, 315.5, 203.6, 214.1, 215.3,
      204.7,
    ],
    // from ap-southeast-1
    [
      318.5, 37.2, 70.7, 74, 76.9, 63.8, 51.3, 3.6, 94.7, 17.4, 104.8, 8, 28.2, 214.9, 175.9, 161.3, 154.7,
      180.7, 151.6, 172.3, 182.5, 172.7, 167, 202.4, 89.5, 97.5, 240.6, 327.4, 218.6, 203.2, 170.6, 160.9,
    ],
    // from ap-southeast-2
    [
      409.3, 128, 106.3, 145.8, 120.6, 154.5, 142.9, 94.7, 4, 109.1, 13.3, 99.3, 120.3, 198.2, 157, 251.8,
      245.7, 271.8, 242.6, 281.1, 255.6, 266.3, 280.2, 293.5, 179.7, 188.4, 211.4, 311.9, 199.7, 188, 139.2,
      141,
    ],
    // from ap-southeast-3
    [
      352.4, 54.8, 87.7, 91.3, 93.8, 81.9, 68.2, 18.8, 112.4, 2.3, 122.7, 26, 45.8, 235.5, 194.2, 178.5,
      173.3, 198.5, 169.4, 188.8, 199.8, 192.1, 186.4, 221.4, 106.5, 116.6, 260.1, 346.9, 235.1, 220.9, 188.5,
      175.2,
    ],
    // from ap-southeast-4
    [
      422.1, 140.7, 129.7, 156.8, 132.2, 166.4, 153.3, 105.9, 14.2, 120.4, 1.9, 110.8, 131, 210.1, 169.3,
      264.4, 258.1, 283.6, 254.6, 292.6, 267.4, 278.8, 291.8, 306.9, 192, 201.3, 224.3, 324.3, 209.9, 198.1,
      150.8, 151.8,
    ],
    // from ap-southeast-5
    [
      342.7, 45.3, 76.9, 80.5, 83.3, 72, 58.1, 9.4, 100.9, 23.2, 110.8, 1.7, 23.6, 223, 183.2, 168, 161.5,
      187.7, 158.3, 177.7, 190.2, 181.7, 175.6, 209.8, 95.3, 104.8, 251.1, 335.7, 224.2, 210.7, 177.1, 166.4,
    ],
    // from ap-southeast-7
    [
      364.7, 65.8, 100.7, 101.2, 104.3, 93.8, 78.5, 30.7, 123.3, 44.5, 132, 26.1, 2.9, 245.3, 206.2, 191.1,
      185.1, 209.8, 180.7, 199.3, 212.2, 203, 197.9, 232.1, 117.1, 125.6, 272.2, 358.6, 246.6, 232.3, 199.9,
      190.3,
    ],
    // from ca-central-1
    [
      225.2, 195.7, 145.7, 175.5, 151.7, 192.8, 210.3, 214.4, 198.2, 229.4, 208.7, 220.2, 240.1, 3.8, 48,
      93.1, 93.5, 106.8, 101.7, 108.9, 69.1, 79.4, 85.6, 135.8, 196, 162.4, 70.1, 125.2, 16.2, 26.4, 79.9,
      60.7,
    ],
    // from ca-west-1
    [
      293.7, 163.3, 114.2, 141, 118.7, 245.6, 229.1, 179, 160.7, 194.2, 171.5, 185.1, 205.1, 50.9, 1.2, 163.3,
      163.7, 175.4, 171.8, 179.2, 138.5, 149.4, 155.8, 206.1, 271.1, 256.7, 77.6, 194.9, 51.9, 40.3, 42, 21.8,
    ],
    // from eu-central-1
    [
      156.1, 193.3, 227.1, 231.1, 233.9, 129.1, 147.9, 160.6, 251.5, 174.7, 262.1, 165.1, 186.2, 92.7, 159.5,
      4, 8.9, 22.8, 12.1, 33.9, 26.9, 17.8, 12.2, 63.4, 114.9, 85.8, 147, 203.9, 92.6, 103.3, 153, 142.3,
    ],
    // from eu-central-2
    [
      152, 188.4, 221.7, 224.5, 228.6, 116.2, 135.1, 155.1, 246.5, 170.1, 257, 160.3, 181.2, 93.8, 160.9, 9.3,
      2.7, 28.4, 7.1, 30.9, 27.8, 19.6, 11.9, 41.3, 109.3, 91.4, 146.9, 203.2, 91.8, 102.3, 152.3, 143.3,
    ],
    // from eu-north-1
    [
      174.4, 213.1, 246.8, 250.2, 253.3, 148.7, 166.2, 180.5, 271.4, 194.6, 281.6, 184.7, 205.9, 104.9, 171.8,
      22.9, 27.6, 3.2, 31.3, 53.2, 39.8, 31.2, 31.5, 83.3, 134.3, 105.1, 166.4, 222.8, 112.1, 122.6, 172.4,
      154.8,
    ],
    // from eu-south-1
    [
      190, 184.3, 218, 221.9, 224.9, 110.2, 129.7, 151.6, 242.5, 166, 253.1, 156.1, 177.1, 101.8, 168.7, 12.8,
      7.1, 31.7, 2.4, 25.7, 36.1, 27.4, 21, 46.6, 105.5, 112.6, 156.1, 213.1, 101.8, 112.3, 162, 151.6,
    ],
    // from eu-south-2
    [
      136.8, 208.3, 240.8, 245.2, 244.9, 116, 135, 172.6, 283.7, 188.4, 293.9, 179.1, 199.2, 111.3, 178.7,
      34.6, 33, 56.3, 28.1, 2.7, 30.9, 36.4, 22.6, 61.1, 121.2, 89.8, 164.6, 220.9, 107.1, 117.9, 170.6,
      158.8,
    ],
    // from eu-west-1
    [
      160.5, 225.5, 201, 231.3, 206.9, 125.9, 144.3, 182, 255.7, 198.2, 266.2, 188.5, 209, 69.1, 135.3, 27.3,
      27.8, 41.2, 35.8, 30.7, 2.9, 13.9, 19.9, 69.9, 129.9, 97.8, 123.9, 178.1, 69.6, 80.1, 130, 118.4,
    ],
    // from eu-west-2
    [
      150.9, 205.9, 211.4, 241.6, 217.1, 117.6, 135.7, 172.2, 266, 189.6, 276.7, 179.9, 200.5, 78.8, 145.7,
      17.9, 19.2, 32.1, 27.1, 34.6, 13.4, 3.3, 11, 61.3, 121.4, 88.3, 131.7, 186.6, 77.4, 88, 147.7, 128.8,
    ],
    // from eu-west-3
    [
      146.6, 200.3, 218.3, 248.1, 224.4, 109.5, 127, 167.3, 280.3, 183.4, 290, 173.8, 195, 85.7, 152.4, 12.7,
      11.4, 32.1, 21, 22.6, 20, 11.6, 3, 53.3, 113.5, 86.6, 138.5, 195.5, 84, 94.5, 144.4, 135.5,
    ],
    // from il-central-1
    [
      235.5, 245.1, 279.7, 282.8, 286, 147, 160.2, 211.4, 304.4, 227.1, 314.1, 217.5, 238.3, 144.7, 211.8,
      72.3, 49.9, 92.3, 51.2, 63.7, 78.4, 70.2, 54.1, 2.5, 149.3, 119.6, 198.2, 254.5, 140.7, 145.9, 203.6,
      185.8,
    ],
    // from me-central-1
    [
      287.4, 127.1, 170.2, 168.9, 165, 30.9, 50.1, 90.9, 182, 105.5, 192.1, 94.7, 116.1, 196.5, 269.5, 116.5,
      110.8, 136.9, 107.2, 120.8, 130.7, 123.4, 115.5, 143.9, 2.8, 16.3, 251.7, 306.8, 194, 204.5, 256.7,
      257.4,
    ],
    // from me-south-1
    [
      251.8, 131.9, 176.4, 168.5, 171.3, 38.8, 58, 98.7, 188.8, 113.6, 199.7, 103.1, 123.6, 162.6, 253.8,
      86.8, 90.8, 105.4, 113.8, 86, 98, 89, 86.3, 110.5, 14.5, 2.6, 215.4, 272.8, 161.5, 171.8, 221.5, 221.6,
    ],
    // from mx-central-1
    [
      283.5, 215.6, 169.8, 196.9, 174, 248.6, 277.1, 243.5, 215.1, 258.3, 225, 251, 272.1, 73.8, 78.2, 150.7,
      149.3, 170.4, 160.4, 165.1, 127, 135, 141.7, 192.5, 252.5, 219.4, 4.4, 171.3, 58.3, 51.1, 74.8, 93.1,
    ],
    // from sa-east-1
    [
      339.4, 307.7, 258.1, 288.2, 263.9, 301.7, 319, 327.4, 312.2, 342.8, 322.5, 332.8, 353, 125.8, 191.9,
      204.9, 202.7, 222.4, 213.4, 218.4, 178.4, 187.2, 195.9, 245.2, 305, 273.2, 168.7, 3.1, 115.4, 125.4,
      175.2, 175.1,
    ],
    // from us-east-1
    [
      228.1, 197.4, 149.4, 178.6, 153, 192.3, 208, 219.1, 199.7, 234.5, 209.1, 222.1, 243.8, 16.4, 49.8, 93.1,
      91.6, 112.5, 101.5, 107.1, 69.6, 77.7, 83.8, 134, 194, 161.4, 57.2, 115.2, 5.3, 14.7, 63.9, 64.3,
    ],
    // from us-east-2
    [
      239.2, 185.2, 135.5, 165.4, 142.1, 204.1, 218.5, 203.6, 188.5, 219.2, 198.1, 210.1, 229.9, 28, 40.3,
      103.9, 102.5, 123.5, 112.4, 118, 80.5, 88.6, 94.9, 144.7, 204.6, 171.9, 51, 125.5, 16.1, 4.9, 52.9,
      51.1,
    ],
    // from us-west-1
    [
      288.1, 154.6, 108.2, 133.1, 109.6, 231.3, 219, 169.7, 139.1, 184.5, 148.9, 174.7, 195.1, 79.7, 39.3,
      153.2, 152, 172.7, 161.6, 167.2, 129.8, 147.8, 144.1, 193.9, 254, 221, 73.8, 174.7, 63.8, 52.5, 2.5,
      21.9,
    ],
    // from us-west-2
    [
      275.2, 144.6, 98, 123.1, 99.5, 221.7, 209.1, 160.2, 140.9, 175.1, 151.5, 164.6, 185.8, 60.5, 21.2,
      142.6, 143.2, 156, 151.1, 158.6, 118.2, 128.8, 135.2, 185.3, 257.3, 213.3, 90.1, 174.4, 64, 50.6, 21.9,
      3,
    ],
  ],
} as const;

/**
 * Regions of the partition with no measured round trip (launched after the snapshot): every pair
 * involving one of them is estimated with {@link FIBRE_MODEL}, and reported as estimated.
 */
export const UNMEASURED_REGIONS = ['ap-east-2', 'ap-southeast-6', 'me-west-1', 'sa-west-1'] as const;

/**
 * The estimate for a pair with no measurement: light in fibre covers about 200 km per ms, real
 * routes are longer than the great circle (route factor), and endpoints add a few ms:
 * `rtt = 2 * km / kmPerMs * routeFactor + fixedMs`. Fitted to the measured pairs: a median error
 * of 14 % (docs/geography.md).
 */
export const FIBRE_MODEL = { kmPerMs: 200, routeFactor: 1.5, fixedMs: 3 } as const;
