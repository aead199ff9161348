/** A uPlot plugin drawing each threshold as a dashed horizontal line with its label, on the canvas
 * (so the PNG export carries it too). */

import type uPlot from "uplot";
import { THRESHOLD_COLOR } from "./palette";
import type { ChartThreshold } from "./types";

export function thresholdsPlugin(thresholds: ChartThreshold[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        if (thresholds.length === 0) return;
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        ctx.save();
        ctx.beginPath();
        ctx.rect(left, top, width, height);
        ctx.clip();
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.font = `${11 * devicePixelRatio}px sans-serif`;
        ctx.textBaseline = "bottom";
        ctx.textAlign = "right";
        for (const threshold of thresholds) {
          const y = Math.round(u.valToPos(threshold.value, "y", true));
          const color = threshold.color ?? THRESHOLD_COLOR;
          ctx.strokeStyle = color;
          ctx.fillStyle = color;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(left, y);
          ctx.lineTo(left + width, y);
          ctx.stroke();
          ctx.fillText(`${threshold.label} = ${threshold.value}`, left + width - 4, y - 2);
        }
        ctx.restore();
      },
    },
  };
}
