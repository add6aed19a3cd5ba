#!/usr/bin/python3
"""Open3D peer of `spatialvlm bench geometry`: the same operations on the same frame, the same JSON keys.

Run with Debian's python3 (python3-open3d). Times are medians over --runs, after --warmup untimed runs.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np
import open3d as o3d


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--color", required=True)
    ap.add_argument("--depth", required=True)
    ap.add_argument("--depth-scale", type=float, default=1000.0)
    ap.add_argument("--intrinsics", required=True, help="fx,fy,cx,cy")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    a = ap.parse_args()
    try:
        fx, fy, cx, cy = (float(v) for v in a.intrinsics.split(","))
    except ValueError:
        sys.exit(f"error: intrinsics '{a.intrinsics}' must be four numbers fx,fy,cx,cy")
    o3d.utility.set_verbosity_level(o3d.utility.VerbosityLevel.Error)
    color = o3d.io.read_image(a.color)
    depth = o3d.io.read_image(a.depth)
    w, h = np.asarray(depth).shape[1], np.asarray(depth).shape[0]
    intr = o3d.camera.PinholeCameraIntrinsic(w, h, fx, fy, cx, cy)
    if np.asarray(color).shape[:2] != (h, w):
        sys.exit("error: colour and depth sizes differ")

    def run_once():
        t = {}
        total = time.perf_counter()
        s = time.perf_counter()
        pcd = o3d.geometry.PointCloud.create_from_depth_image(depth, intr, depth_scale=a.depth_scale, depth_trunc=10.0)
        t["lift_ms"] = (time.perf_counter() - s) * 1000
        s = time.perf_counter()
        kept, _ = pcd.remove_statistical_outlier(nb_neighbors=50, std_ratio=1.2)
        t["stat_outlier_ms"] = (time.perf_counter() - s) * 1000
        s = time.perf_counter()
        down = kept.voxel_down_sample(0.01)
        t["voxel_ms"] = (time.perf_counter() - s) * 1000
        s = time.perf_counter()
        labels = np.asarray(down.cluster_dbscan(eps=0.05, min_points=10))
        t["dbscan_ms"] = (time.perf_counter() - s) * 1000
        s = time.perf_counter()
        plane, inliers = down.segment_plane(distance_threshold=0.05, ransac_n=3, num_iterations=1000)
        t["plane_ms"] = (time.perf_counter() - s) * 1000
        s = time.perf_counter()
        obb = down.get_oriented_bounding_box()
        t["obb_ms"] = (time.perf_counter() - s) * 1000
        s = time.perf_counter()
        down.get_axis_aligned_bounding_box()
        t["aabb_ms"] = (time.perf_counter() - s) * 1000
        t["total_ms"] = (time.perf_counter() - total) * 1000
        plane = [float(v) for v in plane]
        if plane[3] < 0:  # report the normal toward the camera, like ours
            plane = [-v for v in plane]
        counts = {
            "points": len(pcd.points), "after_outlier": len(kept.points), "after_voxel": len(down.points),
            "clusters": int(labels.max() + 1) if labels.size else 0, "plane": [round(v, 6) for v in plane],
            "plane_inliers": len(inliers), "obb_extent": [round(float(v), 6) for v in obb.extent],
        }
        return t, counts

    for _ in range(a.warmup):
        run_once()
    results = [run_once() for _ in range(a.runs)]
    times = {k: round(statistics.median(r[0][k] for r in results), 3) for k in results[0][0]}
    counts = results[-1][1]
    keys = ["points", "lift_ms", "after_outlier", "stat_outlier_ms", "after_voxel", "voxel_ms", "clusters", "dbscan_ms",
            "plane", "plane_inliers", "plane_ms", "obb_extent", "obb_ms", "aabb_ms", "total_ms"]
    merged = {**counts, **times}
    print(json.dumps({k: merged[k] for k in keys}))


if __name__ == "__main__":
    main()
